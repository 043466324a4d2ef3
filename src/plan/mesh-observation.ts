/**
 * The mesh part of an Observation, from whatever holds the objects (the controller's informer caches, a live CLI
 * read, the dashboard's caches): one rule for what the path model reads, so every reader judges the same objects.
 * Only the configuration of the Rollout's own hosts is kept (`rolloutScope`).
 */
import type { Rollout } from '../api/rollout.js';
import { rolloutScope, type MeshSource } from '../mesh/scope.js';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/snapshot.js';
import type { MeshObservation } from './observation.js';

export { meshSourceOf, type MeshSource } from '../mesh/scope.js';

export function meshObservationOf(
  source: MeshSource,
  rollout: Rollout,
  rootNamespace = DEFAULT_ROOT_NAMESPACE,
): MeshObservation {
  const namespace = rollout.metadata.namespace ?? '';
  return {
    namespaces: source.namespaces(),
    ...rolloutScope(source, rollout, rootNamespace),
    gateways: source.gateways(),
    sidecars: source.sidecars(),
    replicaSets: source.replicaSets(namespace),
    rootNamespace,
  };
}
