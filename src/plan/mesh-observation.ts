/**
 * The mesh part of an Observation, from whatever holds the objects (the controller's informer caches, a live CLI
 * read, the dashboard's caches): one rule for what the path model reads, so every reader judges the same objects.
 * Only what the Rollout's paths can reach is kept (`rolloutScope`, `scopedReplicaSets`; ADR 0320).
 */
import type { Rollout } from '../api/rollout.js';
import { rolloutScope, type MeshSource } from '../mesh/scope.js';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/snapshot.js';
import type { MeshObservation } from './observation.js';
import { namespaceInfosOf, scopedReplicaSets } from './replicaset-groups.js';

export { meshSourceOf, type MeshSource } from '../mesh/scope.js';

export function meshObservationOf(
  source: MeshSource,
  rollout: Rollout,
  rootNamespace = DEFAULT_ROOT_NAMESPACE,
): MeshObservation {
  const namespaces = source.namespaces();
  const scope = rolloutScope(source, rollout, rootNamespace);
  const { replicaSets, sidecarlessPodNamespaces } = scopedReplicaSets(
    source,
    rollout,
    scope.services,
    namespaceInfosOf(namespaces),
  );
  return {
    namespaces,
    ...scope,
    gateways: source.gateways(),
    sidecars: source.sidecars(),
    replicaSets,
    ...(sidecarlessPodNamespaces.length > 0 ? { sidecarlessPodNamespaces } : {}),
    rootNamespace,
  };
}
