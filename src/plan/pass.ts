/**
 * One reconcile pass of one Rollout, pure: `(observation, now) → writes, status, events, requeueAfter`. In order:
 * validation; the planner; the router (dispatched through `routerFor`); the path model over the observation with this
 * pass's writes applied (`applyPassWrites`); the gate. When the gate holds the step, the planner runs once more with
 * the verdict (it only holds step completion: the traffic intent, and so the router's writes, stay the same). ADR 0110.
 */
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import type { AnalysisRunWrite, RolloutEvent, RolloutPlan, WorkloadAction } from '../rollout/plan-types.js';
import { resolveWorkloadRef, withWorkloadGeneration, workloadScaleDown } from '../rollout/workload-ref.js';
import type { TrafficPlan, TrafficWrite } from '../traffic/router.js';
import { withPathCondition } from './gate.js';
import {
  INVALID_SPEC_REQUEUE_MS,
  invalidSpecMessage,
  invalidSpecStatus,
  validateObservation,
  withoutInvalidSpec,
} from './invalid.js';
import type { Observation } from './observation.js';
import { applyPassWrites } from './overlay.js';
import { evaluatePaths, type PathTruth } from './paths.js';
import { defaultPlanning, type Planning } from './planning.js';

/** After a traffic pass that did not reach the intent yet (drain / retarget), look again this soon. */
export const TRAFFIC_FOLLOW_UP_MS = 1_000;
export const TRAFFIC_ERROR_REASON = 'TrafficRoutingError';

/**
 * The writes in the order they must happen (Argo's): Services and new ReplicaSets, traffic, AnalysisRuns (create,
 * terminate, delete), then scaling.
 */
export interface OrderedWrites {
  early: WorkloadAction[];
  traffic: TrafficWrite[];
  analysis: AnalysisRunWrite[];
  late: WorkloadAction[];
}

export interface PassResult {
  writes: OrderedWrites;
  /** The status to write; absent when the router failed (the pass ends before scaling and status). */
  status?: RolloutStatus;
  events: RolloutEvent[];
  requeueAfterMs?: number;
  /** Router errors: after the early writes and the events, retry with backoff. */
  failure?: string;
  /** The path evaluation (undefined: no Istio routing, no mesh observation, or an invalid spec). */
  paths?: PathTruth;
  /** The spec is invalid: InvalidSpec status and event only. */
  invalid?: true;
}

const NO_WRITES: OrderedWrites = { early: [], traffic: [], analysis: [], late: [] };

export function planPass(
  observation: Observation,
  now: number,
  planning: Planning = defaultPlanning,
): PassResult {
  const { rollout } = observation;
  const invalid = validateObservation(planning, observation);
  if (invalid.length > 0) return invalidPass(rollout, invalidSpecMessage(rollout, invalid), now);
  const resolved = resolveWorkloadRef(rollout, observation.workload);
  if ('error' in resolved) return invalidPass(rollout, resolved.error, now);
  const snapshot = {
    rollout: resolved.rollout,
    replicaSets: observation.replicaSets,
    services: observation.services,
    ...(observation.analysis ? { analysis: observation.analysis } : {}),
    ...(observation.pods ? { pods: observation.pods } : {}),
  };
  const ungated = planning.planRollout(snapshot, now);
  const traffic = routeTraffic(planning, observation, ungated);
  const writes = orderedWrites(ungated, traffic);
  const after = applyPassWrites(observation, { actions: ungated.actions, traffic: writes.traffic });
  const paths = evaluatePaths(observation, after, ungated.traffic, {}, planning.pathModel);
  const plan = paths?.gate.blocked
    ? planning.planRollout({ ...snapshot, pathGate: paths.gate }, now)
    : ungated;
  if (traffic && traffic.errors.length > 0)
    return trafficFailed(orderedWrites(plan, traffic), traffic, paths);
  if (plan.failure !== undefined) return analysisFailed(orderedWrites(plan, traffic), plan.failure, paths);
  return withWorkloadWrites(converge(observation, plan, traffic, paths, now), observation);
}

function invalidPass(rollout: Rollout, message: string, now: number): PassResult {
  return {
    writes: NO_WRITES,
    status: invalidSpecStatus(rollout, message, now),
    events: [{ type: 'Warning', reason: 'InvalidSpec', message }],
    requeueAfterMs: INVALID_SPEC_REQUEUE_MS,
    invalid: true,
  };
}

function routeTraffic(planning: Planning, obs: Observation, plan: RolloutPlan): TrafficPlan | undefined {
  const router = planning.routerFor(obs.rollout);
  if (!plan.traffic || !router) return undefined;
  return router.plan({
    rollout: obs.rollout,
    intent: plan.traffic,
    virtualServices: obs.virtualServices,
    ...(obs.destinationRule ? { destinationRule: obs.destinationRule } : {}),
  });
}

function orderedWrites(plan: RolloutPlan, traffic: TrafficPlan | undefined): OrderedWrites {
  return {
    early: plan.actions.filter((a) => a.type === 'createReplicaSet' || a.type === 'switchService'),
    traffic: traffic && traffic.errors.length === 0 ? traffic.writes : [],
    analysis: plan.analysisWrites ?? [],
    // Scaling, annotations, revisionHistoryLimit deletes, evictions and pod metadata after traffic: traffic leaves a
    // ReplicaSet before it shrinks.
    late: plan.actions.filter((a) => a.type !== 'createReplicaSet' && a.type !== 'switchService'),
  };
}

/** Router errors end the pass before scaling and status (Argo's order), with a Warning and a rate-limited retry. */
function trafficFailed(
  writes: OrderedWrites,
  traffic: TrafficPlan,
  paths: PathTruth | undefined,
): PassResult {
  const reported = new Set(traffic.events.map((e) => e.message));
  const errorEvents: RolloutEvent[] = traffic.errors
    .filter((e) => e.reason !== 'DelayedHashSwitch' && !reported.has(e.message))
    .map((e) => ({ type: 'Warning', reason: TRAFFIC_ERROR_REASON, message: e.message }));
  return {
    writes: { early: writes.early, traffic: [], analysis: [], late: [] },
    events: [...traffic.events, ...errorEvents],
    failure: traffic.errors.map((e) => `${e.object}: ${e.message}`).join('; '),
    ...(paths ? { paths } : {}),
  };
}

/** A run could not be built: after the Service, ReplicaSet and traffic writes the pass ends and is retried. */
function analysisFailed(writes: OrderedWrites, failure: string, paths: PathTruth | undefined): PassResult {
  return {
    writes: { early: writes.early, traffic: writes.traffic, analysis: [], late: [] },
    events: [],
    failure,
    ...(paths ? { paths } : {}),
  };
}

function converge(
  observation: Observation,
  plan: RolloutPlan,
  traffic: TrafficPlan | undefined,
  paths: PathTruth | undefined,
  now: number,
): PassResult {
  let status = withoutInvalidSpec(plan.status);
  const pathEvents: RolloutEvent[] = [];
  if (paths) {
    const next = withPathCondition(status, observation.rollout.status?.conditions, paths.condition, now);
    status = next.status;
    if (next.event) pathEvents.push(next.event);
  }
  const followUp = traffic?.requeue ? TRAFFIC_FOLLOW_UP_MS : undefined;
  const requeueAfterMs = minDefined(plan.requeueAfterMs, followUp);
  return {
    writes: orderedWrites(plan, traffic),
    status,
    events: [...plan.events, ...(traffic?.events ?? []), ...pathEvents],
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
    ...(paths ? { paths } : {}),
  };
}

/** workloadRef: the generation read and the referenced Deployment's scale-down (after the Rollout's own writes). */
function withWorkloadWrites(result: PassResult, observation: Observation): PassResult {
  const { workload, rollout } = observation;
  if (!workload || !result.status) return result;
  const replicas = workloadScaleDown(rollout, workload, observation.replicaSets);
  const late: WorkloadAction[] =
    replicas === undefined ? [] : [{ type: 'scaleDeployment', name: workload.metadata.name, replicas }];
  return {
    ...result,
    status: withWorkloadGeneration(result.status, workload),
    writes: { ...result.writes, late: [...result.writes.late, ...late] },
  };
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}
