/**
 * Path truth in the reconcile: evaluate the traffic-path model (`src/mesh`) on the state this pass leaves behind,
 * decide the `truesplit.io/path-gate`, and re-plan with the gate when it blocks (the planner stays pure: the gate is
 * one more input). ADRs 0090–0092.
 */
import type { Condition } from '../api/meta.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { analyzeRollout } from '../mesh/analyze.js';
import type { RolloutTrafficState } from '../mesh/snapshot.js';
import type { Finding, TrafficPath } from '../mesh/types.js';
import type { PathGateInput, RolloutEvent, RolloutPlan, RolloutSnapshot } from '../rollout/plan-types.js';
import type { TrafficPlan } from '../traffic/router.js';
import type { ControllerCaches } from './observe.js';
import {
  decidePathGate,
  noReadyPodsCondition,
  pathCondition,
  pathGateSettings,
  unknownPathCondition,
  withPathCondition,
  type PathGateSettings,
} from './path-gate.js';
import { unavailableKindFinding } from './optional-kinds.js';
import { observeMeshSnapshot, type PathCaches } from './path-snapshot.js';
import type { Planning } from './planning.js';

export interface PathTruth {
  paths: TrafficPath[];
  findings: Finding[];
  /** The canary share this pass asks for (fraction 0..1). */
  desiredShare: number;
  condition: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;
  /** Blocked only with `truesplit.io/path-gate: enforce`. */
  gate: PathGateInput;
  settings: PathGateSettings;
  /** Wall time of snapshot + model, for the evaluation histogram. */
  seconds: number;
}

const OPEN_GATE: PathGateInput = { blocked: false, message: '' };

export function hasPathCaches(caches: ControllerCaches): caches is ControllerCaches & PathCaches {
  const c = caches as Partial<PathCaches>;
  return c.namespaces !== undefined && c.gateways !== undefined && c.sidecars !== undefined;
}

function trafficState(rollout: Rollout, plan: RolloutPlan): RolloutTrafficState | undefined {
  const intent = plan.traffic;
  if (!intent || !rollout.spec.strategy.canary?.trafficRouting?.istio) return undefined;
  const canaryHash = intent.canaryHash === intent.stableHash ? '' : intent.canaryHash;
  return { rollout, canaryWeight: intent.canaryWeight, canaryHash, stableHash: intent.stableHash };
}

/** The path model on the state `plan` + `traffic` leave behind; undefined without Istio routing or path caches. */
export function evaluatePathTruth(
  caches: ControllerCaches,
  observed: RolloutSnapshot,
  plan: RolloutPlan,
  traffic: TrafficPlan | undefined,
): PathTruth | undefined {
  const { rollout } = observed;
  const state = trafficState(rollout, plan);
  if (!state || !hasPathCaches(caches)) return undefined;
  const started = performance.now();
  const settings = pathGateSettings(rollout);
  const desiredShare = state.canaryWeight / 100;
  const base = { desiredShare, settings, paths: [] as TrafficPath[], findings: [] as Finding[] };
  if (!observed.replicaSets.some((rs) => (rs.status?.readyReplicas ?? 0) > 0)) {
    const condition = noReadyPodsCondition(rollout);
    return { ...base, condition, gate: OPEN_GATE, seconds: (performance.now() - started) / 1000 };
  }
  try {
    const snapshot = observeMeshSnapshot(caches, rollout, plan, traffic);
    const analysis = analyzeRollout(snapshot, state, { tolerance: settings.tolerance, fixes: false });
    const { paths } = analysis;
    const findings = [
      ...analysis.findings,
      ...(caches.unavailableKinds?.() ?? []).map(unavailableKindFinding),
    ];
    const gate = settings.mode === 'enforce' ? decidePathGate(paths, settings.tolerance) : OPEN_GATE;
    const condition = pathCondition({ findings, paths, desiredShare, problems: settings.problems });
    return { ...base, paths, findings, condition, gate, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    const message = `the traffic-path model failed: ${err instanceof Error ? err.message : String(err)}`;
    const condition = unknownPathCondition(message);
    return { ...base, condition, gate: OPEN_GATE, seconds: (performance.now() - started) / 1000 };
  }
}

export interface PathPlanInput {
  planning: Planning;
  caches: ControllerCaches;
  snapshot: RolloutSnapshot;
  now: number;
  /** The router for a plan (pure). */
  planTraffic: (plan: RolloutPlan) => TrafficPlan | undefined;
}

export interface PathPlan {
  plan: RolloutPlan;
  traffic: TrafficPlan | undefined;
  truth: PathTruth | undefined;
}

/**
 * Plan, route, evaluate the paths; when the gate blocks, plan again with it. The gate only holds step completion,
 * so the second plan asks the router for the same weights.
 */
export function planWithPathGate(input: PathPlanInput): PathPlan {
  const ungated = input.planning.planRollout(input.snapshot, input.now);
  const traffic = input.planTraffic(ungated);
  const truth = evaluatePathTruth(input.caches, input.snapshot, ungated, traffic);
  if (!truth?.gate.blocked) return { plan: ungated, traffic, truth };
  const plan = input.planning.planRollout({ ...input.snapshot, pathGate: truth.gate }, input.now);
  return { plan, traffic: input.planTraffic(plan), truth };
}

/** The status to write with the path condition, and the event when the condition changed. */
export function withPathTruth(
  status: RolloutStatus,
  rollout: Rollout,
  truth: PathTruth | undefined,
  now: number,
): { status: RolloutStatus; events: RolloutEvent[] } {
  if (!truth) return { status, events: [] };
  const next = withPathCondition(status, rollout.status?.conditions, truth.condition, now);
  return { status: next.status, events: next.event ? [next.event] : [] };
}
