/**
 * reconcileRollout: observe (caches) → plan (pure) → act (executor), level-based. The contract (controller-runtime's):
 * NotFound → done; Conflict → requeue; AlreadyExists and other errors → retry (both through the rate limiter); invalid spec → InvalidSpec condition,
 * a Warning event and a 20 s requeue with no workload writes; waiting → requeueAfter from the planner.
 */
import type { Condition } from '../api/meta.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { formatValidationError, type ValidationError } from '../api/validate.js';
import type { Cluster } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { RolloutEvent, RolloutPlan } from '../rollout/plan-types.js';
import type { TrafficPlan } from '../traffic/router.js';
import type { EventRecorder } from './events.js';
import {
  applyStatus,
  applyTrafficWrites,
  applyWorkloadAction,
  type ExecutionContext,
  type ExecutionReport,
} from './executor.js';
import { observeRollout, type ControllerCaches, type Observation } from './observe.js';
import { planWithPathGate, withPathTruth, type PathTruth } from './path-truth.js';
import type { Planning } from './planning.js';

export const INVALID_SPEC_REQUEUE_MS = 20_000;
/** After a traffic pass that did not reach the intent yet (drain / retarget), look again this soon. */
export const TRAFFIC_FOLLOW_UP_MS = 1_000;
export const TRAFFIC_ERROR_REASON = 'TrafficRoutingError';

export interface ReconcileDeps {
  cluster: Cluster;
  caches: ControllerCaches;
  clock: Clock;
  recorder: EventRecorder;
  planning: Planning;
  /** Told the path evaluation of every valid pass (undefined: the Rollout has no Istio routing). */
  onPathTruth?: (rollout: Rollout, truth: PathTruth | undefined) => void;
}

export type ReconcileOutcome =
  | { kind: 'done'; requeueAfterMs?: number; writes: string[] }
  | { kind: 'requeue'; reason: string; writes: string[] }
  | { kind: 'retry'; error: Error; writes: string[] };

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function reconcileRollout(deps: ReconcileDeps, key: string): Promise<ReconcileOutcome> {
  const [namespace, name] = splitKey(key);
  const observation = observeRollout(deps.caches, namespace, name);
  const report: ExecutionReport = { writes: [] };
  if (!observation || observation.rollout.metadata.deletionTimestamp) return { kind: 'done', writes: [] };
  try {
    const invalid = validate(deps.planning, observation);
    if (invalid.length > 0) return await reconcileInvalid(deps, observation.rollout, invalid, report);
    return await reconcileValid(deps, observation, report);
  } catch (err) {
    return classify(err, report);
  }
}

function classify(err: unknown, report: ExecutionReport): ReconcileOutcome {
  if (isNotFound(err)) return { kind: 'done', writes: report.writes };
  if (isConflict(err)) return { kind: 'requeue', reason: (err as Error).message, writes: report.writes };
  return { kind: 'retry', error: err instanceof Error ? err : new Error(String(err)), writes: report.writes };
}

function validate(planning: Planning, obs: Observation): ValidationError[] {
  const objects = [
    ...obs.services,
    ...obs.virtualServices,
    ...(obs.destinationRule ? [obs.destinationRule] : []),
  ];
  const own = planning.validateRollout(obs.rollout);
  // The context checks (incl. the Istio route checks) read the Rollout's fields: only once they are valid.
  return own.length > 0 ? own : planning.validateRolloutContext(obs.rollout, objects);
}

/** InvalidSpec: condition + Degraded phase through /status, one Warning event, no workload or traffic writes. */
async function reconcileInvalid(
  deps: ReconcileDeps,
  rollout: Rollout,
  errors: ValidationError[],
  report: ExecutionReport,
): Promise<ReconcileOutcome> {
  const message = `The Rollout "${rollout.metadata.name}" is invalid: ${errors.map(formatValidationError).join('; ')}`;
  const status = invalidSpecStatus(rollout, message, deps.clock.now());
  await applyStatus(deps.cluster, rollout, status, report);
  await deps.recorder.record(rollout, { type: 'Warning', reason: 'InvalidSpec', message });
  return { kind: 'done', requeueAfterMs: INVALID_SPEC_REQUEUE_MS, writes: report.writes };
}

export function invalidSpecStatus(rollout: Rollout, message: string, now: number): RolloutStatus {
  const previous = rollout.status ?? {};
  const existing = previous.conditions?.find((c) => c.type === 'InvalidSpec');
  const unchanged = existing?.status === 'True' && existing.message === message;
  const condition: Condition = {
    type: 'InvalidSpec',
    status: 'True',
    reason: 'InvalidSpec',
    message,
    lastUpdateTime: unchanged && existing.lastUpdateTime ? existing.lastUpdateTime : timestamp(now),
    lastTransitionTime:
      unchanged && existing.lastTransitionTime ? existing.lastTransitionTime : timestamp(now),
  };
  return {
    ...previous,
    observedGeneration: String(rollout.metadata.generation ?? 0),
    phase: 'Degraded',
    message: `InvalidSpec: ${message}`,
    conditions: [...(previous.conditions ?? []).filter((c) => c.type !== 'InvalidSpec'), condition],
  };
}

/** A valid spec never carries the InvalidSpec condition. */
function withoutInvalidSpec(status: RolloutStatus): RolloutStatus {
  if (!status.conditions?.some((c) => c.type === 'InvalidSpec')) return status;
  return { ...status, conditions: status.conditions.filter((c) => c.type !== 'InvalidSpec') };
}

async function reconcileValid(
  deps: ReconcileDeps,
  obs: Observation,
  report: ExecutionReport,
): Promise<ReconcileOutcome> {
  const { rollout } = obs;
  const now = deps.clock.now();
  const { plan, traffic, truth } = planWithPathGate({
    planning: deps.planning,
    caches: deps.caches,
    snapshot: { rollout, replicaSets: obs.replicaSets, services: obs.services },
    now,
    planTraffic: (p) => planTrafficFor(deps, obs, p),
  });
  deps.onPathTruth?.(rollout, truth);
  const ctx: ExecutionContext = {
    cluster: deps.cluster,
    rollout,
    replicaSets: obs.replicaSets,
    services: obs.services,
  };
  const [early, late] = partitionActions(plan);
  for (const action of early) await applyWorkloadAction(ctx, action, report);
  if (traffic && traffic.errors.length > 0) return trafficFailed(deps, rollout, traffic, report);
  if (traffic) await applyTrafficWrites(deps.cluster, traffic.writes, report);
  for (const action of late) await applyWorkloadAction(ctx, action, report);
  const paths = withPathTruth(withoutInvalidSpec(plan.status), rollout, truth, now);
  await applyStatus(deps.cluster, rollout, paths.status, report);
  await recordAll(deps, rollout, [...plan.events, ...(traffic?.events ?? []), ...paths.events]);
  const followUp = traffic?.requeue ? TRAFFIC_FOLLOW_UP_MS : undefined;
  const requeueAfterMs = minDefined(plan.requeueAfterMs, followUp);
  return { kind: 'done', ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}), writes: report.writes };
}

/**
 * New ReplicaSets and Service switches go before traffic; scaling and annotations after it, so traffic leaves a
 * ReplicaSet before it shrinks (abort, promotion) — Argo's order (§3.1: services, traffic, then scaling).
 */
function partitionActions(plan: RolloutPlan): [RolloutPlan['actions'], RolloutPlan['actions']] {
  const early = plan.actions.filter((a) => a.type === 'createReplicaSet' || a.type === 'switchService');
  const late = plan.actions.filter((a) => a.type === 'scaleReplicaSet' || a.type === 'annotateReplicaSet');
  return [early, late];
}

function planTrafficFor(deps: ReconcileDeps, obs: Observation, plan: RolloutPlan): TrafficPlan | undefined {
  if (!plan.traffic || !obs.rollout.spec.strategy.canary?.trafficRouting?.istio) return undefined;
  return deps.planning.planTraffic({
    rollout: obs.rollout,
    intent: plan.traffic,
    virtualServices: obs.virtualServices,
    ...(obs.destinationRule ? { destinationRule: obs.destinationRule } : {}),
  });
}

/** Router errors end the pass before scaling and status (Argo's order), with a Warning and a rate-limited retry. */
async function trafficFailed(
  deps: ReconcileDeps,
  rollout: Rollout,
  traffic: TrafficPlan,
  report: ExecutionReport,
): Promise<ReconcileOutcome> {
  const reported = new Set(traffic.events.map((e) => e.message));
  const errorEvents: RolloutEvent[] = traffic.errors
    .filter((e) => e.reason !== 'DelayedHashSwitch' && !reported.has(e.message))
    .map((e) => ({ type: 'Warning', reason: TRAFFIC_ERROR_REASON, message: e.message }));
  await recordAll(deps, rollout, [...traffic.events, ...errorEvents]);
  const message = traffic.errors.map((e) => `${e.object}: ${e.message}`).join('; ');
  return { kind: 'retry', error: new Error(message), writes: report.writes };
}

async function recordAll(
  deps: ReconcileDeps,
  rollout: Rollout,
  events: readonly RolloutEvent[],
): Promise<void> {
  for (const event of events) await deps.recorder.record(rollout, event);
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}
