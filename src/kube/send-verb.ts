/**
 * Sending an intent verb through the Cluster port, the one way the CLI and the dashboard both do it: read the
 * Rollout (and, for `undo`, its ReplicaSets), plan the patches (`src/verbs/`, pure), send the status half to /status
 * and then the spec half, as `kubectl argo rollouts` does. A template edit is guarded by the resourceVersion it was
 * computed from: on 409 everything is read and planned again.
 */
import { ownedBy } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet } from '../api/workloads.js';
import { needsReplicaSets, planVerb, type RolloutPatches, type VerbRequest } from '../verbs/index.js';
import type { Cluster } from './cluster.js';
import { isConflict, isNotFound } from './errors.js';

/** Attempts before a verb gives up on concurrent writers (Argo's `set image` uses 5). */
export const VERB_ATTEMPTS = 5;

export interface VerbResult {
  /** The Rollout as the last write returned it (as read, when nothing was sent). */
  rollout: Rollout;
  /** False when the verb had nothing to change. */
  changed: boolean;
  /** `undo`: the revision whose template was put back. */
  revision?: number;
}

export async function ownedReplicaSets(cluster: Cluster, rollout: Rollout): Promise<ReplicaSet[]> {
  const { items } = await cluster.list('ReplicaSet', { namespace: rollout.metadata.namespace ?? '' });
  return items.filter((rs) => ownedBy(rs, rollout));
}

/**
 * Status patch on /status, then spec patch. A 404 from /status on a Rollout just read means the CRD has no status
 * subresource (Argo v0.9's CRD): both halves then go to the main resource in one patch, as Argo's plugin does.
 */
export async function applyPatches(
  cluster: Cluster,
  rollout: Rollout,
  patches: RolloutPatches,
): Promise<Rollout> {
  const { namespace = '', name } = rollout.metadata;
  let result = rollout;
  let spec = patches.spec;
  if (patches.status) {
    try {
      result = await cluster.patch('Rollout', namespace, name, patches.status, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      spec = { ...patches.spec, ...patches.status }; // top-level keys `spec` and `status` never overlap
    }
  }
  if (spec) result = await cluster.patch('Rollout', namespace, name, spec);
  return result;
}

/** Reads, plans and sends `request` for the Rollout `namespace/name`; a 404 on the read propagates. */
export async function sendVerb(
  cluster: Cluster,
  namespace: string,
  name: string,
  request: VerbRequest,
): Promise<VerbResult> {
  for (let attempt = 1; ; attempt++) {
    const rollout = await cluster.get('Rollout', namespace, name);
    const replicaSets = needsReplicaSets(request) ? await ownedReplicaSets(cluster, rollout) : [];
    const { patches, revision } = planVerb(request, rollout, replicaSets);
    const changed = patches.spec !== undefined || patches.status !== undefined;
    try {
      const result = changed ? await applyPatches(cluster, rollout, patches) : rollout;
      return { rollout: result, changed, ...(revision === undefined ? {} : { revision }) };
    } catch (err) {
      if (!isConflict(err) || attempt >= VERB_ATTEMPTS) throw err;
    }
  }
}
