/**
 * A Cluster decorator that refuses every write while `mayWrite()` is false: the controller's writes go through it
 * with the leader elector's `isLeader`, so a replica that lost (or never held) the lease cannot write, whatever a
 * worker in the middle of a reconcile is about to do. Reads and watches pass through (standbys keep warm caches).
 */
import type { Cluster } from './cluster.js';

export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(what: string) {
    super(`not the leader: ${what} refused`);
  }
}

export function fenceWrites(inner: Cluster, mayWrite: () => boolean): Cluster {
  const guard = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    mayWrite() ? call() : Promise.reject(new NotLeaderError(what));
  return {
    get: (kind, namespace, name) => inner.get(kind, namespace, name),
    list: (kind, options) => inner.list(kind, options),
    watch: (kind, options, onEvent, onDone) => inner.watch(kind, options, onEvent, onDone),
    create: (kind, object) =>
      guard(`create ${kind} ${object.metadata.name}`, () => inner.create(kind, object)),
    update: (kind, object) =>
      guard(`update ${kind} ${object.metadata.name}`, () => inner.update(kind, object)),
    updateStatus: (kind, object) =>
      guard(`update ${kind} ${object.metadata.name} status`, () => inner.updateStatus(kind, object)),
    patch: (kind, namespace, name, patch, options) =>
      guard(`patch ${kind} ${name}`, () => inner.patch(kind, namespace, name, patch, options)),
    delete: (kind, namespace, name) =>
      guard(`delete ${kind} ${name}`, () => inner.delete(kind, namespace, name)),
    evict: (namespace, name) => guard(`evict Pod ${name}`, () => inner.evict(namespace, name)),
  };
}
