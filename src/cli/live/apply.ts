/** Sending a verb from the CLI: the shared sender (`kube/send-verb.ts`), its errors said the CLI's way (exit 1). */
import type { Cluster } from '../../kube/cluster.js';
import { isNotFound } from '../../kube/errors.js';
import { sendVerb, type VerbResult } from '../../kube/send-verb.js';
import { VerbError, type VerbRequest } from '../../verbs/index.js';
import { LiveInputError } from './input-error.js';

/** `request` on the Rollout `namespace/name`; a missing Rollout or a verb that does not apply is a LiveInputError. */
export async function runVerb(
  cluster: Cluster,
  namespace: string,
  name: string,
  request: VerbRequest,
): Promise<VerbResult> {
  try {
    return await sendVerb(cluster, namespace, name, request);
  } catch (err) {
    if (isNotFound(err)) throw new LiveInputError(`Rollout "${name}" not found in namespace "${namespace}"`);
    if (err instanceof VerbError) throw new LiveInputError(err.message);
    throw err;
  }
}
