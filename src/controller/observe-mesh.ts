/**
 * The mesh part of a Rollout's observation from the informer caches, without cloning (the model only reads).
 * Endpoints come from ReplicaSets, not Pods: no Pod informer, so memory and watch traffic do not grow with pod count
 * (ADR 0090). What is kept is `meshObservationOf`'s rule, shared with the live views.
 */
import type { Rollout } from '../api/rollout.js';
import type { KindMap, KindName } from '../kube/cluster.js';
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

export function observeMesh(caches: MeshCaches, rollout: Rollout): MeshObservation {
  const mesh = meshObservationOf(
    {
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
