/**
 * The path model inside the pass: the traffic-path model (`src/mesh`) evaluated on the observation with this pass's
 * writes applied, the gate's verdict and the `TrafficPathsConsistent` condition. ADRs 0090–0092, 0110.
 */
import type { Condition } from '../api/meta.js';
import { analyzeRollout, type RolloutAnalysis } from '../mesh/analyze.js';
import type { MeshSnapshot, RolloutTrafficState } from '../mesh/snapshot.js';
import type { Finding, TrafficPath } from '../mesh/types.js';
import type { PathGateInput } from '../rollout/plan-types.js';
import type { TrafficIntent } from '../rollout/intent.js';
import {
  decidePathGate,
  noReadyPodsCondition,
  pathCondition,
  pathGateSettings,
  unknownPathCondition,
  type PathGateSettings,
} from './gate.js';
import type { MeshObservation, Observation } from './observation.js';
import { observedGate, observeSplit, observedNote, type ObservedSplit } from './observed-paths.js';
import { endpointsOf, namespaceInfosOf } from './replicaset-groups.js';

export interface PathTruth {
  paths: TrafficPath[];
  findings: Finding[];
  /** The canary share this pass asks for (fraction 0..1). */
  desiredShare: number;
  condition: Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;
  /** Blocked only with `truesplit.io/path-gate: enforce`. */
  gate: PathGateInput;
  settings: PathGateSettings;
  /** The observed split (Istio telemetry) per path; absent without a telemetry reading. */
  observed?: ObservedSplit;
}

const OPEN_GATE: PathGateInput = { blocked: false, message: '' };

/** The model's input from a mesh observation: its objects, and endpoints counted from ReplicaSets. */
export function meshSnapshotOf(mesh: MeshObservation): MeshSnapshot {
  const namespaces = namespaceInfosOf(mesh.namespaces);
  return {
    namespaces: [...namespaces],
    services: [...mesh.services],
    virtualServices: [...mesh.virtualServices],
    destinationRules: [...mesh.destinationRules],
    gateways: [...mesh.gateways],
    sidecars: [...mesh.sidecars],
    peerAuthentications: [...mesh.peerAuthentications],
    endpoints: endpointsOf(mesh.replicaSets, namespaces),
    ...(mesh.sidecarlessPodNamespaces?.length
      ? { sidecarlessPodNamespaces: [...mesh.sidecarlessPodNamespaces] }
      : {}),
    rootNamespace: mesh.rootNamespace,
    ...(mesh.unlistedKinds ? { unlistedKinds: mesh.unlistedKinds } : {}),
  };
}

export interface PathModelOptions {
  tolerance: number;
  fixes: boolean;
}

/** The traffic-path model over a mesh observation (`PathModelMemo` evaluates it only when an input changed). */
export interface PathModel {
  analyze(mesh: MeshObservation, state: RolloutTrafficState, options: PathModelOptions): RolloutAnalysis;
}

/** The model evaluated on every call. */
export const directPathModel: PathModel = {
  analyze: (mesh, state, options) => analyzeRollout(meshSnapshotOf(mesh), state, options),
};

/** The part of the planner's intent the model judges (also what a Rollout's status records as routed). */
export type RoutedWeights = Pick<TrafficIntent, 'canaryWeight' | 'canaryHash' | 'stableHash'>;

/** What the model judges: the intent's weight and hashes (no canary hash while canary and stable are one). */
export function trafficStateOf(observation: Observation, intent: RoutedWeights): RolloutTrafficState {
  const canaryHash = intent.canaryHash === intent.stableHash ? '' : intent.canaryHash;
  return {
    rollout: observation.rollout,
    canaryWeight: intent.canaryWeight,
    canaryHash,
    stableHash: intent.stableHash,
  };
}

/**
 * The paths of `after` (the observation with this pass's writes applied) at the intent's weight; undefined without
 * Istio routing, an intent or a mesh observation. No ready pod in `before`: every path is empty, judged later.
 */
export function evaluatePaths(
  before: Observation,
  after: Observation,
  intent: RoutedWeights | undefined,
  /** `fixes`: render each finding's fix (views); `withoutReadyPods`: evaluate even before any pod is ready (views). */
  options: { fixes?: boolean; withoutReadyPods?: boolean } = {},
  model: PathModel = directPathModel,
): PathTruth | undefined {
  const { rollout } = after;
  if (!intent || !rollout.spec.strategy.canary?.trafficRouting?.istio || !after.mesh) return undefined;
  const settings = pathGateSettings(rollout);
  const desiredShare = intent.canaryWeight / 100;
  const base = { desiredShare, settings, paths: [] as TrafficPath[], findings: [] as Finding[] };
  const anyReady = before.replicaSets.some((rs) => (rs.status?.readyReplicas ?? 0) > 0);
  if (!anyReady && !options.withoutReadyPods)
    return { ...base, condition: noReadyPodsCondition(rollout), gate: OPEN_GATE };
  try {
    const state = trafficStateOf(after, intent);
    const tolerance = settings.tolerance;
    const fixes = options.fixes ?? false;
    const analysis = model.analyze(after.mesh, state, { tolerance, fixes });
    const { paths } = analysis;
    const findings = [...analysis.findings, ...(after.mesh.unavailable ?? [])];
    const observed = observeSplit(after.telemetry, paths, state.canaryHash, settings.minSamples);
    const predicted = () => decidePathGate(paths, tolerance);
    const gate =
      settings.mode === 'enforce' ? observedGate(settings, predicted, observed, desiredShare) : OPEN_GATE;
    const condition = pathCondition({ findings, paths, desiredShare, problems: settings.problems });
    condition.message = `${condition.message ?? ''}${observedNote(observed)}`;
    return { ...base, paths, findings, condition, gate, ...(observed ? { observed } : {}) };
  } catch (err) {
    const message = `the traffic-path model failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ...base, condition: unknownPathCondition(message), gate: OPEN_GATE };
  }
}
