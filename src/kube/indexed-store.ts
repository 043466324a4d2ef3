/**
 * The informer's object store: one map by `namespace/name`, with two indexes kept current on every change so a
 * reconcile reads what concerns one Rollout without scanning every cached object:
 * - by namespace, with the list of a namespace (and of all) built once after a change and shared until the next;
 * - by the uid of each controller owner reference (`controller` not false), and the objects with no
 *   `controller: true` reference (candidates for adoption);
 * - by the keys the store's `indexer` gives each object (like client-go's Indexers), kept current the same way.
 * Every list keeps the order of the one map (insertion order), so readers see the same order as a full scan.
 */
import type { KubeObject } from '../api/meta.js';

const ALL = '\u0000all';

function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? '';
}

/** Uids of the owner references a controller reads as "controls this" (`controller` not false). */
function controllerUids(object: KubeObject): string[] {
  return (object.metadata.ownerReferences ?? [])
    .filter((ref) => ref.controller !== false && ref.uid !== undefined && ref.uid !== '')
    .map((ref) => ref.uid);
}

function hasController(object: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true);
}

function addTo(map: Map<string, Set<string>>, group: string, key: string): void {
  const set = map.get(group);
  if (set) set.add(key);
  else map.set(group, new Set([key]));
}

function removeFrom(map: Map<string, Set<string>>, group: string, key: string): void {
  const set = map.get(group);
  set?.delete(key);
  if (set?.size === 0) map.delete(group);
}

/** The keys an object is found under (`IndexedStore.byKeys`); recomputed on every change of the object. */
export type Indexer<T> = (object: T) => readonly string[];

export class IndexedStore<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly byIndexKey = new Map<string, Set<string>>();
  /** Position of each key in `objects`' order (new keys get the next number). */
  private readonly order = new Map<string, number>();
  private nextPosition = 0;
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly byController = new Map<string, Set<string>>();
  private readonly orphans = new Map<string, Set<string>>();
  /** Lists built since the last change of their namespace (`ALL`: every namespace). */
  private readonly lists = new Map<string, readonly T[]>();

  constructor(private readonly indexer?: Indexer<T>) {}

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }

  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.objects.entries();
  }

  /** Adds or replaces; a replaced object keeps its place in every order (the key holds the namespace). */
  set(key: string, object: T): void {
    this.unindexOwners(key);
    if (!this.order.has(key)) this.order.set(key, this.nextPosition++);
    this.objects.set(key, object);
    const namespace = namespaceOf(object);
    const local = this.byNamespace.get(namespace) ?? new Map<string, T>();
    local.set(key, object);
    this.byNamespace.set(namespace, local);
    for (const uid of controllerUids(object)) addTo(this.byController, uid, key);
    if (!hasController(object)) addTo(this.orphans, namespace, key);
    for (const indexKey of this.indexer?.(object) ?? []) addTo(this.byIndexKey, indexKey, key);
    this.changed(namespace);
  }

  delete(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.unindexOwners(key);
    const namespace = namespaceOf(old);
    const local = this.byNamespace.get(namespace);
    local?.delete(key);
    if (local?.size === 0) this.byNamespace.delete(namespace);
    this.objects.delete(key);
    this.order.delete(key);
    this.changed(namespace);
  }

  /** Every object, or those of one namespace: shared, frozen, rebuilt only after a change. */
  list(namespace?: string): readonly T[] {
    const listKey = namespace ? namespace : ALL;
    let list = this.lists.get(listKey);
    if (!list) {
      const source = namespace ? this.byNamespace.get(namespace)?.values() : this.objects.values();
      list = Object.freeze([...(source ?? [])]);
      this.lists.set(listKey, list);
    }
    return list;
  }

  /**
   * A superset of the objects of `namespace` controlled by the owner with `ownerUid` or with no controller at all,
   * in store order; the caller applies its own exact rule.
   */
  controlledOrOrphaned(namespace: string, ownerUid: string): T[] {
    const keys = new Set([
      ...(this.byController.get(ownerUid) ?? []),
      ...(this.orphans.get(namespace) ?? []),
    ]);
    return this.inOrder(keys).filter((object) => namespaceOf(object) === namespace);
  }

  /** The objects under any of `keys` of the store's indexer, in store order (none without an indexer). */
  byKeys(keys: Iterable<string>): T[] {
    const found = new Set<string>();
    for (const indexKey of keys) for (const key of this.byIndexKey.get(indexKey) ?? []) found.add(key);
    return this.inOrder(found);
  }

  private inOrder(keys: Iterable<string>): T[] {
    return [...keys]
      .sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0))
      .map((key) => this.objects.get(key) as T);
  }

  private unindexOwners(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    for (const uid of controllerUids(old)) removeFrom(this.byController, uid, key);
    removeFrom(this.orphans, namespaceOf(old), key);
    for (const indexKey of this.indexer?.(old) ?? []) removeFrom(this.byIndexKey, indexKey, key);
  }

  private changed(namespace: string): void {
    this.lists.delete(namespace || ALL);
    this.lists.delete(ALL);
  }
}
