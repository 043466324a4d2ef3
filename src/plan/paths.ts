/**
 * The path model inside the pass: the traffic-path model (`src/mesh`) evaluated on the observation with this pass's
 * writes applied, the gate's verdict and the `TrafficPathsConsistent` condition. ADRs 0090–0092, 0110.
 */
import type { Condition } from '../api/meta.js';
import { analyzeRollout, type RolloutAnalysis } from '../mesh/analyze.js';
import { replicaSetEndpoints } from '../mesh/replicaset-endpoints.js';
import {
  namespaceInfo,
  podHasSidecar,
  type EndpointGroup,
  type MeshSnapshot,
  type NamespaceInfo,
  type RolloutTrafficState,
} from '../mesh/snapshot.js';
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
import type { ReplicaSet } from '../api/workloads.js';
import type { MeshObservation, Observation } from './observation.js';
import { observedGate, observeSplit, observedNote, type ObservedSplit } from './observed-paths.js';

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

/**
 * A ReplicaSet's endpoint groups, kept per ReplicaSet object (cached objects are frozen: a new version is a new
 * object) with whether its namespace injects sidecars, the one other input of `replicaSetEndpoints`.
 */
const endpointsByReplicaSet = new WeakMap<ReplicaSet, { injected: boolean; groups: EndpointGroup[] }>();

function endpointsOf(
  replicaSets: readonly ReplicaSet[],
  namespaces: readonly NamespaceInfo[],
): EndpointGroup[] {
  const injected = new Map(namespaces.map((n) => [n.name, podHasSidecar(n.name, undefined, undefined, [n])]));
  const groups: EndpointGroup[] = [];
  for (const rs of replicaSets) {
    const inNamespace = injected.get(rs.metadata.namespace ?? 'default') ?? false;
    let known = endpointsByReplicaSet.get(rs);
    if (known?.injected !== inNamespace) {
      known = { injected: inNamespace, groups: replicaSetEndpoints([rs], namespaces) };
      endpointsByReplicaSet.set(rs, known);
    }
    groups.push(...known.groups);
  }
  return groups;
}

/** The endpoint groups of a frozen list of ReplicaSets (an informer's, shared until its next change) per namespace list. */
const endpointsByList = new WeakMap<
  readonly ReplicaSet[],
  { namespaces: MeshObservation['namespaces']; groups: EndpointGroup[] }
>();

function endpointsOfList(mesh: MeshObservation, namespaces: readonly NamespaceInfo[]): EndpointGroup[] {
  const known = endpointsByList.get(mesh.replicaSets);
  if (known?.namespaces === mesh.namespaces) return [...known.groups];
  const groups = endpointsOf(mesh.replicaSets, namespaces);
  if (Object.isFrozen(mesh.replicaSets) && Object.isFrozen(mesh.namespaces))
    endpointsByList.set(mesh.replicaSets, { namespaces: mesh.namespaces, groups: [...groups] });
  return groups;
}

/** The model's input from a mesh observation: its objects, and endpoints counted from ReplicaSets. */
export function meshSnapshotOf(mesh: MeshObservation): MeshSnapshot {
  const namespaces = mesh.namespaces.map((ns) => namespaceInfo(ns));
  return {
    namespaces,
    services: [...mesh.services],
    virtualServices: [...mesh.virtualServices],
    destinationRules: [...mesh.destinationRules],
    gateways: [...mesh.gateways],
    sidecars: [...mesh.sidecars],
    peerAuthentications: [...mesh.peerAuthentications],
    endpoints: endpointsOfList(mesh, namespaces),
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
