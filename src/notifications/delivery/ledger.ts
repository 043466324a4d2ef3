/**
 * Claims an event occurrence before its notifications are sent (ADR 0160): the key is added to the Rollout's
 * `notifications.truesplit.io/notified` annotation with a merge patch that carries the resourceVersion it read, so
 * two controllers (a restart, a new leader, a split brain) cannot both claim it. Written through the controller's
 * fenced cluster: only the leader claims. At most once: a crash after the claim loses that notification.
 */
import type { Cluster } from '../../kube/cluster.js';
import { isConflict } from '../../kube/errors.js';
import { NOTIFIED_ANNOTATION, notifiedKeys, withNotified } from '../occurrence.js';

const CLAIM_ATTEMPTS = 5;

/** True when this call claimed `key`; false when it was claimed before (or the Rollout is gone: NotFound throws). */
export async function claimOccurrence(
  cluster: Cluster,
  namespace: string,
  name: string,
  key: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const rollout = await cluster.get('Rollout', namespace, name);
    const keys = notifiedKeys(rollout);
    if (keys.includes(key)) return false;
    try {
      await cluster.patch('Rollout', namespace, name, {
        metadata: {
          resourceVersion: rollout.metadata.resourceVersion ?? null,
          annotations: { [NOTIFIED_ANNOTATION]: withNotified(keys, key) },
        },
      });
      return true;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  throw new Error(`could not record notification ${key}: the Rollout kept changing`);
}
