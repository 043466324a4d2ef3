/**
 * An in-memory Cluster with the API server's semantics: global resourceVersion, optimistic concurrency, generation,
 * status subresource, selectors, watch with bounded history (410 Gone), ownerReference garbage collection. Every
 * object handed out is a deep copy. Used by tests, the sandbox and the CLI's offline modes.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/meta.js';
import type {
  Cluster,
  KindMap,
  KindName,
  ListOptions,
  ListResult,
  MergePatch,
  NewObject,
  PatchOptions,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from './cluster.js';
import { apiVersionOf, RESOURCE_KINDS } from './cluster.js';
import { systemClock, type Clock } from './clock.js';
import { alreadyExists, conflict, invalid, notFound } from './errors.js';
import { applyMergePatch, cloneJson, deepEqual, deepFreeze } from '../util/json.js';
import { describe, objectAfterWrite, specOf, type AnyObject } from './memory-semantics.js';
import { ObjectStore } from './memory-store.js';
import { WatchHub } from './memory-watch.js';
import { fieldsMatch, labelsMatch } from './selectors.js';
import { formatTime } from '../util/time.js';

export type Verb =
  'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'evict' | 'watch';

export interface Operation {
  verb: Verb;
  kind: KindName;
  namespace: string;
  name: string;
}

/** Returns an error to make the operation fail (fault injection for tests and sandbox chaos). */
export type FaultInjector = (op: Operation) => Error | undefined;

export interface MemoryClusterOptions {
  clock?: Clock;
  /** Watch events kept for replay; a watch from an older resourceVersion gets 410 Gone. Default 1000. */
  historyLimit?: number;
  /**
   * Hand out the stored objects themselves, deep-frozen, from `list` and watch events instead of a copy per reader:
   * every informer over this cluster then shares one copy of each object (the sandbox, ADR 0190). A reader that
   * modifies what it was given gets a TypeError instead of changing the cluster. Default false: copies.
   */
  sharedReads?: boolean;
}

/** A long-running sandbox makes millions of calls: only the latest are kept. */
const OPERATIONS_KEPT = 10_000;

const WRITE_VERBS: ReadonlySet<Verb> = new Set([
  'create',
  'update',
  'updateStatus',
  'patch',
  'delete',
  'evict',
]);

export class MemoryCluster implements Cluster {
  private readonly store = new ObjectStore();
  private rv = 0;
  /** Names made from `metadata.generateName`, counted so tests see the same names every run. */
  private generated = 0;
  private readonly hub: WatchHub;
  private readonly clock: Clock;
  /** The most recent calls (up to OPERATIONS_KEPT), in order: lets tests assert "nothing was written". */
  readonly operations: Operation[] = [];
  faultInjector: FaultInjector | undefined;

  private readonly sharedReads: boolean;

  constructor(options: MemoryClusterOptions = {}) {
    this.clock = options.clock ?? systemClock();
    this.sharedReads = options.sharedReads ?? false;
    this.hub = new WatchHub(options.historyLimit ?? 1000, this.sharedReads);
  }

  get<K extends KindName>(kind: K, namespace: string, name: string): Promise<KindMap[K]> {
    return this.run(
      { verb: 'get', kind, namespace, name },
      () => cloneJson<unknown>(this.mustFind(kind, namespace, name)) as KindMap[K],
    );
  }

  list<K extends KindName>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    return this.run({ verb: 'list', kind, namespace: options.namespace ?? '', name: '' }, () => {
      const scoped = options.namespace && RESOURCE_KINDS[kind].namespaced ? options.namespace : undefined;
      const items = this.store
        .ofKind(kind, scoped)
        .filter(
          (o) =>
            labelsMatch(o.metadata.labels, options.labelSelector) && fieldsMatch(o, options.fieldSelector),
        );
      const handedOut = this.sharedReads ? items : cloneJson<unknown>(items);
      return { items: handedOut as KindMap[K][], resourceVersion: String(this.rv) };
    });
  }

  create<K extends KindName>(kind: K, object: NewObject<KindMap[K]>): Promise<KindMap[K]> {
    const { namespace = '', name } = object.metadata;
    return this.run({ verb: 'create', kind, namespace, name }, () =>
      this.doCreate(kind, cloneJson<unknown>(object) as AnyObject),
    );
  }

  update<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]> {
    const { namespace = '', name } = object.metadata;
    return this.run({ verb: 'update', kind, namespace, name }, () =>
      this.doUpdate(kind, cloneJson<unknown>(object) as AnyObject, 'main'),
    );
  }

  updateStatus<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]> {
    const { namespace = '', name } = object.metadata;
    return this.run({ verb: 'updateStatus', kind, namespace, name }, () =>
      this.doUpdate(kind, cloneJson<unknown>(object) as AnyObject, 'status'),
    );
  }

  patch<K extends KindName>(
    kind: K,
    namespace: string,
    name: string,
    patch: MergePatch,
    options: PatchOptions = {},
  ): Promise<KindMap[K]> {
    return this.run({ verb: 'patch', kind, namespace, name }, () => {
      const current = this.mustFind(kind, namespace, name);
      const patched = applyMergePatch(current, patch) as AnyObject;
      const requested = (patch.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      patched.metadata = {
        ...patched.metadata,
        resourceVersion: requested ?? current.metadata.resourceVersion!,
      };
      return this.doUpdate(kind, patched, options.subresource === 'status' ? 'status' : 'main');
    });
  }

  delete(kind: KindName, namespace: string, name: string): Promise<void> {
    return this.run({ verb: 'delete', kind, namespace, name }, () => this.doDelete(kind, namespace, name));
  }

  /** No PodDisruptionBudgets in memory: an eviction deletes the pod (a fault injector can answer 429). */
  evict(namespace: string, name: string): Promise<void> {
    return this.run({ verb: 'evict', kind: 'Pod', namespace, name }, () =>
      this.doDelete('Pod', namespace, name),
    );
  }

  watch<K extends KindName>(
    kind: K,
    options: WatchOptions,
    onEvent: (event: WatchEvent<KindMap[K]>) => void,
    onDone: (error?: Error) => void,
  ): WatchHandle {
    const op: Operation = { verb: 'watch', kind, namespace: options.namespace ?? '', name: '' };
    this.record(op);
    const fault = this.faultInjector?.(op);
    if (fault) {
      queueMicrotask(() => onDone(fault));
      return { stop: () => undefined };
    }
    return this.hub.open(kind, options, onEvent as (e: WatchEvent<KubeObject>) => void, onDone, () =>
      this.store.ofKind(kind),
    );
  }

  /** Current global resourceVersion. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Drops watch history (etcd compaction): watches from older resourceVersions get 410 Gone. */
  compactHistory(): void {
    this.hub.compact(this.rv);
  }

  /** Ends every open watch: cleanly (server-side timeout) or with `error` (connection reset). */
  closeWatches(error?: Error): void {
    this.hub.closeAll(error);
  }

  /** Sends a BOOKMARK with the current resourceVersion to watches that allow bookmarks. */
  sendBookmarks(): void {
    this.hub.bookmark(this.rv, (kind) => ({
      apiVersion: apiVersionOf(RESOURCE_KINDS[kind]),
      kind,
      metadata: { name: '' },
    }));
  }

  openWatches(): number {
    return this.hub.openWatches();
  }

  /** The write calls made so far (create, update, updateStatus, patch, delete). */
  writes(): Operation[] {
    return this.operations.filter((op) => WRITE_VERBS.has(op.verb));
  }

  private record(op: Operation): void {
    this.operations.push(op);
    if (this.operations.length > 2 * OPERATIONS_KEPT) this.operations.splice(0, OPERATIONS_KEPT);
  }

  private run<T>(op: Operation, body: () => T): Promise<T> {
    this.record(op);
    try {
      const fault = this.faultInjector?.(op);
      if (fault) throw fault;
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private ref(kind: KindName, namespace: string, name: string) {
    return { kind, namespace: RESOURCE_KINDS[kind].namespaced ? namespace : '', name };
  }

  private find(kind: KindName, namespace: string, name: string): AnyObject | undefined {
    return this.store.get(this.ref(kind, namespace, name));
  }

  private mustFind(kind: KindName, namespace: string, name: string): AnyObject {
    const found = this.find(kind, namespace, name);
    if (!found) throw notFound(describe(kind, namespace, name));
    return found;
  }

  private timestamp(): string {
    return formatTime(this.clock.now());
  }

  private doCreate<K extends KindName>(kind: K, obj: AnyObject): KindMap[K] {
    const desc = RESOURCE_KINDS[kind];
    const namespace = desc.namespaced ? (obj.metadata.namespace ?? '') : '';
    // As the API server: no name but a generateName gets the prefix and a 5-character suffix.
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${(++this.generated).toString(36).padStart(5, '0')}`;
    }
    const name = obj.metadata.name;
    if (!name) throw invalid(`${desc.kind}`, 'metadata.name: Required value');
    if (desc.namespaced && !namespace)
      throw invalid(`${desc.kind} "${name}"`, 'metadata.namespace: Required value');
    if (desc.namespaced && !this.find('Namespace', '', namespace))
      throw notFound(`namespaces "${namespace}"`);
    if (this.find(kind, namespace, name)) throw alreadyExists(describe(kind, namespace, name));
    if (desc.statusSubresource) delete obj.status;
    obj.apiVersion = apiVersionOf(desc);
    obj.kind = kind;
    obj.metadata = {
      ...obj.metadata,
      ...(desc.namespaced ? { namespace } : {}),
      uid: randomUUID(),
      resourceVersion: String(++this.rv),
      generation: 1,
      creationTimestamp: this.timestamp(),
    };
    if (!desc.namespaced) delete obj.metadata.namespace;
    this.store.set(this.ref(kind, namespace, name), this.sharedReads ? deepFreeze(obj) : obj);
    this.hub.record({ rv: this.rv, kind, type: 'ADDED', object: obj });
    return cloneJson<unknown>(obj) as KindMap[K];
  }

  private doUpdate<K extends KindName>(kind: K, incoming: AnyObject, target: 'main' | 'status'): KindMap[K] {
    const desc = RESOURCE_KINDS[kind];
    const { namespace = '', name } = incoming.metadata;
    if (target === 'status' && !desc.statusSubresource)
      throw notFound(`${describe(kind, namespace, name)} status`);
    const current = this.mustFind(kind, namespace, name);
    const requestedRv = incoming.metadata.resourceVersion;
    if (requestedRv === undefined && desc.custom && target === 'main') {
      throw invalid(
        `${kind} "${name}"`,
        'metadata.resourceVersion: Invalid value: 0: must be specified for an update',
      );
    }
    if (requestedRv !== undefined && requestedRv !== current.metadata.resourceVersion) {
      throw conflict(describe(kind, namespace, name));
    }
    const next = objectAfterWrite(current, incoming, target, desc.statusSubresource);
    if (deepEqual(next, current)) return cloneJson<unknown>(current) as KindMap[K];
    if (!deepEqual(specOf(next), specOf(current)))
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = String(++this.rv);
    this.store.set(this.ref(kind, namespace, name), this.sharedReads ? deepFreeze(next) : next);
    this.hub.record({ rv: this.rv, kind, type: 'MODIFIED', object: next, previous: current });
    return cloneJson<unknown>(next) as KindMap[K];
  }

  private doDelete(kind: KindName, namespace: string, name: string): void {
    const current = this.mustFind(kind, namespace, name);
    this.store.delete(this.ref(kind, namespace, name));
    const deleted: AnyObject = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: String(++this.rv) },
    };
    this.hub.record({ rv: this.rv, kind, type: 'DELETED', object: deleted });
    if (kind === 'Namespace') this.deleteNamespaceContents(name);
    this.collectDependents(current.metadata.uid);
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const ref of this.store.inNamespace(namespace)) {
      if (this.store.get(ref)) this.doDelete(ref.kind, namespace, ref.name);
    }
  }

  /** Garbage collection: dependents whose every owner is gone are deleted (recursively: Rollout → RS → Pods). */
  private collectDependents(ownerUid: string | undefined): void {
    if (!ownerUid) return;
    for (const ref of this.store.takeDependents(ownerUid)) {
      const obj = this.store.get(ref);
      const owners = obj?.metadata.ownerReferences ?? [];
      if (!owners.some((owner) => owner.uid === ownerUid)) continue;
      if (owners.some((owner) => this.store.isLive(owner.uid))) continue;
      this.doDelete(ref.kind, ref.namespace, ref.name);
    }
  }
}
