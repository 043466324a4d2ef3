/**
 * reconcileRollout: observe (the caches, once) → planPass (pure) → execute (the one executor) → record (events),
 * level-based. The contract (controller-runtime's): NotFound → done; Conflict, AlreadyExists and other
 * errors → retry through the rate limiter; invalid spec → InvalidSpec condition, a Warning event and a 20 s requeue with no workload
 * writes; waiting → requeueAfter from the pass. ADR 0110.
 */
import type { Rollout } from '../api/rollout.js';
import type { Cluster } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import { planPass, type PassResult } from '../plan/pass.js';
import type { PathTruth } from '../plan/paths.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import type { EventRecorder } from './events.js';
import {
  applyStatus,
  applyTrafficWrites,
  applyWorkloadAction,
  type ExecutionContext,
  type ExecutionReport,
} from './executor.js';
import { observeRollout, type ControllerCaches, type Observation } from './observe.js';
import type { Planning } from './planning.js';

export { INVALID_SPEC_REQUEUE_MS, invalidSpecStatus } from '../plan/invalid.js';
export { TRAFFIC_ERROR_REASON, TRAFFIC_FOLLOW_UP_MS } from '../plan/pass.js';

/** The path evaluation of a pass, with the wall time of the pass that produced it (for the histogram). */
export type TimedPathTruth = PathTruth & { seconds: number };

export interface ReconcileDeps {
  cluster: Cluster;
  caches: ControllerCaches;
  clock: Clock;
  recorder: EventRecorder;
  planning: Planning;
  /** Told each pass's events once they are recorded (notifications; must not block). */
  onEventsRecorded?: (rollout: Rollout, pass: PassResult) => void;
  /** Told the path evaluation of every valid pass (undefined: the Rollout has no Istio routing). */
  onPathTruth?: (rollout: Rollout, truth: TimedPathTruth | undefined) => void;
}

export type ReconcileOutcome =
  | { kind: 'done'; requeueAfterMs?: number; writes: string[] }
  | { kind: 'requeue'; reason: string; writes: string[] }
  | { kind: 'retry'; error: Error; writes: string[] };

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

export async function reconcileRollout(deps: ReconcileDeps, key: string): Promise<ReconcileOutcome> {
  const [namespace, name] = splitKey(key);
  const observation = observeRollout(deps.caches, namespace, name);
  const report: ExecutionReport = { writes: [] };
  if (!observation || observation.rollout.metadata.deletionTimestamp) return { kind: 'done', writes: [] };
  try {
    const started = performance.now();
    const pass = planPass(observation, deps.clock.now(), deps.planning);
    if (!pass.invalid) {
      const seconds = (performance.now() - started) / 1000;
      deps.onPathTruth?.(observation.rollout, pass.paths ? { ...pass.paths, seconds } : undefined);
    }
    return await execute(deps, observation, pass, report);
  } catch (err) {
    return classify(err, report);
  }
}

function classify(err: unknown, report: ExecutionReport): ReconcileOutcome {
  if (isNotFound(err)) return { kind: 'done', writes: report.writes };
  if (isConflict(err)) return { kind: 'requeue', reason: (err as Error).message, writes: report.writes };
  return { kind: 'retry', error: err instanceof Error ? err : new Error(String(err)), writes: report.writes };
}

/** The one executor's order: early workload writes, traffic, late workload writes, status, then the events. */
async function execute(
  deps: ReconcileDeps,
  obs: Observation,
  pass: PassResult,
  report: ExecutionReport,
): Promise<ReconcileOutcome> {
  const { rollout } = obs;
  const ctx: ExecutionContext = {
    cluster: deps.cluster,
    rollout,
    replicaSets: obs.replicaSets,
    services: obs.services,
  };
  for (const action of pass.writes.early) await applyWorkloadAction(ctx, action, report);
  await applyTrafficWrites(deps.cluster, pass.writes.traffic, report);
  for (const action of pass.writes.late) await applyWorkloadAction(ctx, action, report);
  if (pass.status) await applyStatus(deps.cluster, rollout, pass.status, report);
  await recordAll(deps, rollout, pass.events);
  if (pass.events.length > 0) deps.onEventsRecorded?.(rollout, pass);
  if (pass.failure !== undefined)
    return { kind: 'retry', error: new Error(pass.failure), writes: report.writes };
  const { requeueAfterMs } = pass;
  return { kind: 'done', ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}), writes: report.writes };
}

async function recordAll(
  deps: ReconcileDeps,
  rollout: Rollout,
  events: readonly RolloutEvent[],
): Promise<void> {
  for (const event of events) await deps.recorder.record(rollout, event);
}
