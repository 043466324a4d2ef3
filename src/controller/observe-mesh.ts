/**
 * The mesh part of a Rollout's observation from the informer caches, without cloning (the model only reads).
 * Endpoints come from ReplicaSets, not Pods: no Pod informer, so memory and watch traffic do not grow with pod count
 * (ADR 0090). What is kept is `meshObservationOf`'s rule, shared with the live views.
 */
import type { Rollout } from '../api/rollout.js';
import type { KindMap, KindName } from '../kube/cluster.js';
import type { ScopeLookup } from '../mesh/scope.js';
import { meshObservationOf } from '../plan/mesh-observation.js';
import type { MeshObservation } from '../plan/observation.js';
import { unavailableKindFinding, type UnavailableKind } from './optional-kinds.js';

/** A cache that can hand out its objects without cloning (the Informer). */
interface SharedReader<K extends KindName> {
  list(namespace?: string): KindMap[K][];
  listShared?(namespace?: string): readonly KindMap[K][];
  /** The objects under any of these index keys (the Informer's `byKeys`, with the scope's indexer). */
  byKeys?(keys: readonly string[]): readonly KindMap[K][];
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

/**
 * The scope's lookup over the informers' indexes (`SCOPE_INDEXERS`, kept current on every change), when the caches
 * have them: a pass finds the objects its Rollout's paths reach without scanning or indexing its namespace again.
 */
function lookupOf(caches: MeshCaches): ScopeLookup | undefined {
  const { virtualServices, destinationRules, services, replicaSets } = caches;
  if (!virtualServices.byKeys || !destinationRules.byKeys || !services.byKeys || !replicaSets.byKeys)
    return undefined;
  return {
    virtualServices: (keys) => virtualServices.byKeys?.(keys) ?? [],
    destinationRules: (keys) => destinationRules.byKeys?.(keys) ?? [],
    services: (keys) => services.byKeys?.(keys) ?? [],
    replicaSets: (keys) => replicaSets.byKeys?.(keys) ?? [],
  };
}

export function observeMesh(caches: MeshCaches, rollout: Rollout): MeshObservation {
  const lookup = lookupOf(caches);
  const mesh = meshObservationOf(
    {
      ...(lookup ? { lookup } : {}),
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
