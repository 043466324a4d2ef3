/**
 * The mesh part of a Rollout's observation from the informer caches, without cloning (the model only reads).
 * Endpoints come from ReplicaSets, not Pods: no Pod informer, so memory and watch traffic do not grow with pod count
 * (ADR 0090). What is kept is `meshObservationOf`'s rule, shared with the live views.
 */
import type { Rollout } from '../api/rollout.js';
import type { KindMap, KindName } from '../kube/cluster.js';
import type { DestinationRule, VirtualService } from '../api/istio.js';
import { routingIndex, type MeshSource } from '../mesh/scope.js';
import { meshObservationOf } from '../plan/mesh-observation.js';
import type { MeshObservation } from '../plan/observation.js';
import { unavailableKindFinding, type UnavailableKind } from './optional-kinds.js';

/** A cache that can hand out its objects without cloning (the Informer). */
interface SharedReader<K extends KindName> {
  list(namespace?: string): KindMap[K][];
  listShared?(namespace?: string): readonly KindMap[K][];
}

export interface MeshCaches {
  namespaces: SharedReader<'Namespace'>;
  services: SharedReader<'Service'>;
  virtualServices: SharedReader<'VirtualService'>;
  destinationRules: SharedReader<'DestinationRule'>;
  gateways: SharedReader<'Gateway'>;
  sidecars: SharedReader<'Sidecar'>;
  peerAuthentications: SharedReader<'PeerAuthentication'>;
  replicaSets: SharedReader<'ReplicaSet'>;
  /** The optional kinds that cannot be listed right now (optional-kinds.ts); their caches are empty. */
  unavailableKinds?: () => readonly UnavailableKind[];
}

function read<K extends KindName>(reader: SharedReader<K>, namespace?: string): readonly KindMap[K][] {
  return reader.listShared ? reader.listShared(namespace) : reader.list(namespace);
}

type RoutingCandidates = NonNullable<MeshSource['routingCandidates']>;

/**
 * The routing index of the cluster's VirtualServices and DestinationRules, kept while the informers hand out the same
 * arrays (they do until the kind changes): a pass filters its hosts' few candidates, not every object of the mesh.
 * Keyed by the VirtualService array, so each controller's caches keep their own index and a dropped array frees it.
 */
const routingIndexes = new WeakMap<
  readonly VirtualService[],
  { dr: readonly DestinationRule[]; index: RoutingCandidates }
>();

function routingOfCaches(caches: MeshCaches): RoutingCandidates {
  const vs = read(caches.virtualServices);
  const dr = read(caches.destinationRules);
  const kept = routingIndexes.get(vs);
  if (kept?.dr === dr) return kept.index;
  const index = routingIndex(vs, dr);
  routingIndexes.set(vs, { dr, index });
  return index;
}

export function observeMesh(caches: MeshCaches, rollout: Rollout): MeshObservation {
  const mesh = meshObservationOf(
    {
      routingCandidates: (names, named) => routingOfCaches(caches)(names, named),
      namespaces: () => read(caches.namespaces),
      services: (ns) => read(caches.services, ns),
      virtualServices: () => read(caches.virtualServices),
      destinationRules: () => read(caches.destinationRules),
      gateways: () => read(caches.gateways),
      sidecars: () => read(caches.sidecars),
      peerAuthentications: (ns) => read(caches.peerAuthentications, ns),
      replicaSets: (ns) => read(caches.replicaSets, ns),
    },
    rollout,
  );
  const unavailable = caches.unavailableKinds?.() ?? [];
  if (unavailable.length === 0) return mesh;
  return {
    ...mesh,
    unavailable: unavailable.map(unavailableKindFinding),
    unlistedKinds: unavailable.map((u) => u.kind),
  };
}
