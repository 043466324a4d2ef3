import type { DestinationRule, Subset } from '../../api/istio.js';
import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../../api/labels.js';
import type { Rollout, WeightDestination } from '../../api/rollout.js';
import { failed, UNCHANGED, updated, type RouterResult } from '../router.js';
import { deepEqual } from '../../util/json.js';
import { messages } from './errors.js';

/**
 * Subset-mode DestinationRule edits: the canary and stable subsets select their ReplicaSet through the
 * `rollouts-pod-template-hash` label; experiment subsets are added per experiment Service. Every other subset and
 * field is handed back untouched.
 */

function drRef(dr: DestinationRule): string {
  return `DestinationRule/${dr.metadata.namespace ?? ''}/${dr.metadata.name}`;
}

function withHash(subset: Subset, hash: string): Subset {
  const labels = { ...(subset.labels ?? {}) };
  if (hash) labels[POD_TEMPLATE_HASH_LABEL] = hash;
  else delete labels[POD_TEMPLATE_HASH_LABEL];
  if (Object.keys(labels).length === 0 && subset.labels === undefined) return subset;
  return { ...subset, labels };
}

/** A subset truesplit created for an experiment: only a name and the hash label, nothing a user would write. */
function isExperimentSubset(subset: Subset): boolean {
  const keys = Object.keys(subset.labels ?? {});
  const fields = Object.keys(subset).filter((k) => k !== 'name' && k !== 'labels');
  return fields.length === 0 && keys.length === 1 && keys[0] === POD_TEMPLATE_HASH_LABEL;
}

export function updateHashes(
  dr: DestinationRule,
  rollout: Rollout,
  canaryHash: string,
  stableHash: string,
  experiments: readonly WeightDestination[] = [],
): RouterResult<DestinationRule> {
  const ref = rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule;
  if (!ref) return UNCHANGED;
  const subsets = dr.spec.subsets ?? [];
  for (const [role, name] of [
    ['Canary', ref.canarySubsetName],
    ['Stable', ref.stableSubsetName],
  ] as const) {
    if (!subsets.some((s) => s.name === name)) {
      const message = messages.subsetNotInDestinationRule(role, name, dr.metadata.name);
      return failed({ reason: 'SubsetNotFound', object: drRef(dr), message, field: 'spec.subsets' });
    }
  }
  const pending = new Map(experiments.filter((e) => e.serviceName).map((e) => [e.serviceName ?? '', e]));
  const additional = new Set(ref.additionalSubsetNames ?? []);
  const next: Subset[] = [];
  for (const subset of subsets) {
    const experiment = pending.get(subset.name);
    if (subset.name === ref.canarySubsetName) next.push(withHash(subset, canaryHash));
    else if (subset.name === ref.stableSubsetName) next.push(withHash(subset, stableHash));
    else if (experiment) {
      next.push(withHash(subset, experiment.podTemplateHash ?? ''));
      pending.delete(subset.name);
    } else if (additional.has(subset.name) || !isExperimentSubset(subset)) next.push(subset);
  }
  for (const [name, experiment] of pending) {
    next.push({ name, labels: { [POD_TEMPLATE_HASH_LABEL]: experiment.podTemplateHash ?? '' } });
  }
  const annotations = { ...(dr.metadata.annotations ?? {}), [MANAGED_BY_ANNOTATION]: rollout.metadata.name };
  const result: DestinationRule = {
    ...dr,
    metadata: { ...dr.metadata, annotations },
    spec: { ...dr.spec, subsets: next },
  };
  if (deepEqual(result, dr)) return UNCHANGED;
  const message =
    `DestinationRule ${dr.metadata.name} subset updated ` +
    `(${ref.canarySubsetName}: ${canaryHash}, ${ref.stableSubsetName}: ${stableHash})`;
  return updated(result, [{ type: 'Normal', reason: 'UpdatedDestinationRule', message }]);
}

/** Cleanup when no Rollout references the DestinationRule any more: drop every hash label and the managed-by mark. */
export function stripManagedHashes(dr: DestinationRule): RouterResult<DestinationRule> {
  const subsets = dr.spec.subsets?.map((subset) => {
    if (!subset.labels || !(POD_TEMPLATE_HASH_LABEL in subset.labels)) return subset;
    const labels = { ...subset.labels };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    return { ...subset, labels };
  });
  const metadata = { ...dr.metadata };
  if (dr.metadata.annotations && MANAGED_BY_ANNOTATION in dr.metadata.annotations) {
    const annotations = { ...dr.metadata.annotations };
    delete annotations[MANAGED_BY_ANNOTATION];
    metadata.annotations = annotations;
  }
  const spec = subsets === undefined ? dr.spec : { ...dr.spec, subsets };
  const result: DestinationRule = { ...dr, metadata, spec };
  if (deepEqual(result, dr)) return UNCHANGED;
  const message = `DestinationRule ${dr.metadata.name}: hash labels and ${MANAGED_BY_ANNOTATION} removed`;
  return updated(result, [{ type: 'Normal', reason: 'CleanedDestinationRule', message }]);
}
