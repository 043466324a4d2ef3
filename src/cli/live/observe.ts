/**
 * Reading what live commands show: one Rollout with its ReplicaSets and pods, and the objects the traffic-path
 * model reads, straight from the API server (a CLI run is too short for informers).
 */
import type { AnalysisRun } from '../../api/analysis.js';
import { objectRef, ownedBy, type KubeObject } from '../../api/meta.js';
import type { Rollout } from '../../api/rollout.js';
import type { Pod, ReplicaSet } from '../../api/workloads.js';
import type { Cluster, KindName } from '../../kube/cluster.js';
import { isKubeApiError } from '../../kube/errors.js';
import { ownedReplicaSets } from '../../kube/send-verb.js';
import type { MeshShapeProblem } from '../../mesh/shape.js';
import { meshShapeProblems } from '../../mesh/shape.js';
import { DEFAULT_ROOT_NAMESPACE } from '../../mesh/snapshot.js';
import { controllerPathAnalysis } from '../../view/path-verdict.js';
import type { ObservedShare, RolloutView } from '../../view/rollout-view.js';
import { buildRolloutView } from '../../view/rollout-view.js';
import type { ObservedPathShare } from '../../mesh/observed-callers.js';
import { observedShareView } from '../../view/observed.js';
import { readObservedShares, type ObservedSource } from './observed.js';
import { livePhase } from './phase.js';

export interface RolloutObjects {
  rollout: Rollout;
  replicaSets: ReplicaSet[];
  pods: Pod[];
  /** The namespace's AnalysisRuns (the view keeps the Rollout's); none when the CRD is absent or reading is denied. */
  analysisRuns: AnalysisRun[];
}

async function readAnalysisRuns(cluster: Cluster, namespace: string): Promise<AnalysisRun[]> {
  try {
    return (await cluster.list('AnalysisRun', { namespace })).items;
  } catch (err) {
    if (isKubeApiError(err) && (err.code === 403 || err.code === 404)) return [];
    throw err;
  }
}

export async function readRolloutObjects(
  cluster: Cluster,
  namespace: string,
  name: string,
): Promise<RolloutObjects> {
  const rollout = await cluster.get('Rollout', namespace, name);
  const replicaSets = await ownedReplicaSets(cluster, rollout);
  const { items } = await cluster.list('Pod', { namespace });
  const pods = items.filter((pod) => replicaSets.some((rs) => ownedBy(pod, rs)));
  return { rollout, replicaSets, pods, analysisRuns: await readAnalysisRuns(cluster, namespace) };
}

/** Kinds the path model reads wherever they are (callers and bindings live in any namespace). */
const MESH_WIDE: readonly KindName[] = [
  'Namespace',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'Sidecar',
];
/** Kinds read in the Rollouts' namespaces and the mesh root namespace. */
const MESH_LOCAL: readonly KindName[] = ['Service', 'Pod', 'PeerAuthentication'];

/** Cluster-wide when allowed; a namespaced user (403 on the cluster-wide list) gets what the namespaces hold. */
async function listWide(
  cluster: Cluster,
  kind: KindName,
  namespaces: readonly string[],
): Promise<KubeObject[]> {
  try {
    return (await cluster.list(kind)).items;
  } catch (err) {
    if (!isKubeApiError(err) || err.code !== 403 || kind === 'Namespace') throw err;
    return listIn(cluster, kind, namespaces);
  }
}

async function listIn(
  cluster: Cluster,
  kind: KindName,
  namespaces: readonly string[],
): Promise<KubeObject[]> {
  const lists = await Promise.all(namespaces.map((namespace) => cluster.list(kind, { namespace })));
  return lists.flatMap((l) => l.items);
}

export interface MeshObjects {
  /** Well-formed objects, the model's input. */
  objects: KubeObject[];
  /** Objects left out because the model cannot read them, each naming the object and field. */
  problems: MeshShapeProblem[];
}

/** `namespaces` undefined: every namespace (`-A`). */
export async function readMeshObjects(
  cluster: Cluster,
  namespaces?: readonly string[],
): Promise<MeshObjects> {
  const scope = namespaces ? [...new Set([...namespaces, DEFAULT_ROOT_NAMESPACE])] : undefined;
  const read = (kind: KindName) =>
    scope && MESH_LOCAL.includes(kind) ? listIn(cluster, kind, scope) : listWide(cluster, kind, scope ?? []);
  const all = (await Promise.all([...MESH_WIDE, ...MESH_LOCAL].map(read))).flat();
  const problems = meshShapeProblems(all);
  const malformed = new Set(problems.map((p) => p.object));
  return { objects: all.filter((o) => !malformed.has(objectRef(o))), problems };
}

export function formatShapeProblem(problem: MeshShapeProblem): string {
  return `${problem.object}: ${problem.field}: ${problem.message} (left out of the path analysis)`;
}

/** The ReplicaSets of the namespaces (every workload's: a Service may select any pods), the path model's endpoints. */
export async function readReplicaSets(cluster: Cluster, namespaces: readonly string[] | undefined) {
  if (namespaces === undefined) return (await cluster.list('ReplicaSet')).items;
  return (await listIn(cluster, 'ReplicaSet', namespaces)) as ReplicaSet[];
}

export interface LiveRolloutView {
  view: RolloutView;
  problems: MeshShapeProblem[];
  /** Why the OBSERVED column is empty or partial (a failed Prometheus query, an ignored annotation). */
  observedWarnings: string[];
  /** The Prometheus asked for observed shares, when one is configured. */
  observedAddress?: string;
}

/** The shared view model of one live Rollout, paths included; observed shares when a Prometheus is configured. */
export async function readRolloutView(
  cluster: Cluster,
  namespace: string,
  name: string,
  observedSource?: ObservedSource,
): Promise<LiveRolloutView> {
  const objects = await readRolloutObjects(cluster, namespace, name);
  const mesh = await readMeshObjects(cluster, [namespace]);
  const replicaSets = await readReplicaSets(cluster, [namespace]);
  const analysis = controllerPathAnalysis(objects.rollout, [...mesh.objects, ...replicaSets]);
  const observed = observedSource
    ? await readObservedShares({ ...objects, objects: mesh.objects, paths: analysis.paths }, observedSource)
    : undefined;
  const view = buildRolloutView({
    ...objects,
    phase: livePhase(objects.rollout),
    analysis,
    ...(observed ? { observed: observedViews(observed.shares) } : {}),
  });
  return {
    view,
    problems: mesh.problems,
    observedWarnings: observed?.warnings ?? [],
    ...(observed?.address ? { observedAddress: observed.address } : {}),
  };
}

function observedViews(shares: ReadonlyMap<string, ObservedPathShare>): Map<string, ObservedShare> {
  return new Map([...shares].map(([id, share]) => [id, observedShareView(share)]));
}
