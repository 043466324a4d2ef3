/**
 * The dashboard's caches grouped by namespace, built on first read after a change: a view of one Rollout reads its
 * namespace's ReplicaSets, Pods and AnalysisRuns without scanning every object of the kind, so the list of thousands
 * of Rollouts costs one pass over each cache, not one per Rollout.
 */
import type { KubeObject } from '../api/meta.js';

/** A cache whose objects can be read without copying (the Informer). */
interface SharedList<T extends KubeObject> {
  readonly kind: string;
  listShared(): readonly T[];
}

export class NamespaceIndex {
  private readonly groups = new Map<string, Map<string, KubeObject[]>>();

  /** Objects of `kind` changed: its grouping is rebuilt on the next read. */
  invalidate(kind: string): void {
    this.groups.delete(kind);
  }

  /** The cache's objects in `namespace` (shared, read only). */
  of<T extends KubeObject>(cache: SharedList<T>, namespace: string): readonly T[] {
    let byNamespace = this.groups.get(cache.kind);
    if (!byNamespace) {
      byNamespace = new Map<string, KubeObject[]>();
      for (const object of cache.listShared()) {
        const key = object.metadata.namespace ?? '';
        const group = byNamespace.get(key);
        if (group) group.push(object);
        else byNamespace.set(key, [object]);
      }
      this.groups.set(cache.kind, byNamespace);
    }
    return (byNamespace.get(namespace) ?? []) as T[];
  }
}
