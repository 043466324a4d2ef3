/**
 * Workqueue keys, the same for every controller of the process: a key is `namespace/name`, and a reconcile outcome
 * decides how the key comes back (client-go's pattern) — done forgets the key's backoff and schedules the requeue
 * the reconcile asked for; a conflict or a failure comes back through the rate limiter. Logging stays with each
 * controller.
 */
import type { WorkQueue } from '../kube/workqueue.js';

/** What the queue needs of a reconcile outcome (ReconcileOutcome in reconcile.ts). */
export type QueueOutcome =
  { kind: 'done'; requeueAfterMs?: number } | { kind: 'requeue' } | { kind: 'retry' };

export function requeueFor(queue: WorkQueue, key: string, outcome: QueueOutcome): void {
  switch (outcome.kind) {
    case 'done':
      queue.forget(key);
      if (outcome.requeueAfterMs !== undefined) queue.addAfter(key, outcome.requeueAfterMs);
      return;
    case 'requeue':
    case 'retry':
      queue.addRateLimited(key);
      return;
  }
}

/** `namespace/name` → its parts (a key without a slash is a cluster-scoped name). */
export function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}
