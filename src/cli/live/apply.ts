/** Sending a verb's intent: status subresource first, then spec (the order `kubectl argo rollouts` uses). */
import type { Rollout } from '../../api/rollout.js';
import type { Cluster, MergePatch } from '../../kube/cluster.js';
import { isConflict, isNotFound } from '../../kube/errors.js';
import { LiveInputError } from './input-error.js';
import type { RolloutPatches } from './patches.js';

/** The named Rollout; a 404 becomes an error naming the Rollout and its namespace (exit 1). */
export async function getRollout(cluster: Cluster, namespace: string, name: string): Promise<Rollout> {
  try {
    return await cluster.get('Rollout', namespace, name);
  } catch (err) {
    if (isNotFound(err)) throw new LiveInputError(`Rollout "${name}" not found in namespace "${namespace}"`);
    throw err;
  }
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

/** Attempts before a template edit gives up on concurrent writers (Argo's `set image` uses 5). */
export const EDIT_ATTEMPTS = 5;

export interface EditResult {
  rollout: Rollout;
  /** False when the edit was already in place and nothing was written. */
  changed: boolean;
}

/**
 * Read, compute a resourceVersion-guarded patch, send it; on 409 read again and recompute. `build` returns undefined
 * when there is nothing to change.
 */
export async function editWithRetry(
  cluster: Cluster,
  namespace: string,
  name: string,
  build: (rollout: Rollout) => Promise<MergePatch | undefined> | MergePatch | undefined,
): Promise<EditResult> {
  for (let attempt = 1; ; attempt++) {
    const rollout = await getRollout(cluster, namespace, name);
    const patch = await build(rollout);
    if (patch === undefined) return { rollout, changed: false };
    try {
      return { rollout: await cluster.patch('Rollout', namespace, name, patch), changed: true };
    } catch (err) {
      if (!isConflict(err) || attempt >= EDIT_ATTEMPTS) throw err;
    }
  }
}
