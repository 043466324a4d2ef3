/**
 * An informer: a local cache of one kind kept current by list + watch. 410 Gone relists; any other watch error
 * restarts list + watch with exponential backoff; a periodic relist (default 15 min) repairs a silently stalled
 * watch; `lastActivity` / `healthy(now)` feed /healthz. The cache keeps each object without what no reader uses
 * (`managedFields`, the last-applied annotation) and deeply frozen, and hands out those shared objects themselves:
 * no clone per read (a reader that tried to modify one would throw). ADR 0150.
 */
import type { KubeObject, LabelSelector } from '../api/meta.js';
import { objectKey } from '../api/meta.js';
import type { Cluster, KindMap, KindName, WatchEvent, WatchHandle } from './cluster.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { isGone, isKubeApiError } from './errors.js';
import { deepEqual } from '../util/json.js';
import { IndexedStore, type Indexer } from './indexed-store.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** The form an object is cached in: without managedFields and the last-applied annotation, frozen. */
export function cachedForm<T extends KubeObject>(object: T): T {
  const meta = object.metadata as T['metadata'] & { managedFields?: unknown };
  if (!Object.isFrozen(meta)) {
    delete meta.managedFields;
    if (meta.annotations && LAST_APPLIED in meta.annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = meta.annotations;
      meta.annotations = rest;
    }
  }
  deepFreeze(object);
  return object;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'RESYNC';

/** Called with the changed object's `namespace/name`. Do not block: enqueue and return. */
export type ChangeHandler<T> = (key: string, type: ChangeType, object: T) => void;

export interface InformerOptions {
  namespace?: string;
  labelSelector?: LabelSelector | string;
  clock?: Clock;
  /** Full relist period (controller-runtime "resync"); default 15 min. */
  resyncMs?: number;
  /** Restart backoff after an error: initial and cap. Defaults 500 ms → 30 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Server-side watch timeout (the stream is re-opened from the last resourceVersion). Default 300 s. */
  watchTimeoutSeconds?: number;
  /** `healthy` turns false when nothing was heard (list, event, bookmark) for this long. Default 2 × resync + 1 min. */
  maxSilenceMs?: number;
  /** `healthy` turns false when list/watch has kept failing for this long (RBAC, API down). Default 2 min. */
  maxFailingMs?: number;
  onError?: (error: Error) => void;
  /** The keys each cached object is found under (`byKeys`), kept current on every change (client-go's Indexers). */
  indexer?: Indexer<KubeObject>;
}

type State = 'idle' | 'running' | 'backoff' | 'stopped';

export class Informer<K extends KindName> {
  private readonly clock: Clock;
  private readonly cache: IndexedStore<KubeObject>;
  private readonly handlers: ChangeHandler<KindMap[K]>[] = [];
  private state: State = 'idle';
  private synced = false;
  private generation = 0;
  private watchHandle: WatchHandle | undefined;
  private resourceVersion = '';
  private failures = 0;
  /** Clock time of the first error of the current run of failures. */
  private failingSince: number | undefined;
  /** The HTTP code of the last list/watch failure, until a list succeeds. */
  private lastFailureCode: number | undefined;
  private resyncTimer: TimerHandle | undefined;
  private restartTimer: TimerHandle | undefined;
  /** Clock time of the last successful list, watch event or bookmark. */
  lastActivity = 0;
  /** Restarts after errors so far (metrics, tests). */
  restarts = 0;
  relists = 0;

  constructor(
    private readonly cluster: Cluster,
    readonly kind: K,
    private readonly options: InformerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock();
    this.cache = new IndexedStore<KubeObject>(options.indexer);
  }

  onChange(handler: ChangeHandler<KindMap[K]>): void {
    this.handlers.push(handler);
  }

  start(): void {
    if (this.state === 'running' || this.state === 'backoff') return;
    this.state = 'running';
    this.lastActivity = this.clock.now();
    void this.listAndWatch();
  }

  stop(): void {
    this.state = 'stopped';
    this.generation++;
    this.watchHandle?.stop();
    this.watchHandle = undefined;
    for (const timer of [this.resyncTimer, this.restartTimer]) if (timer) this.clock.clearTimeout(timer);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Why the kind cannot be read right now: 404 (its CRD is not installed) or 403 (RBAC), else undefined. */
  unavailable(): 'not-found' | 'forbidden' | undefined {
    if (this.lastFailureCode === 404) return 'not-found';
    if (this.lastFailureCode === 403) return 'forbidden';
    return undefined;
  }

  isRunning(): boolean {
    return this.state === 'running' || this.state === 'backoff';
  }

  /** Running, heard from the API server recently, and not stuck in a run of failures. */
  healthy(now: number): boolean {
    const maxSilence = this.options.maxSilenceMs ?? 2 * (this.options.resyncMs ?? 900_000) + 60_000;
    const failingTooLong =
      this.failingSince !== undefined && now - this.failingSince > (this.options.maxFailingMs ?? 120_000);
    return this.isRunning() && now - this.lastActivity <= maxSilence && !failingTooLong;
  }

  /** The cached object (frozen, shared). */
  get(namespace: string, name: string): KindMap[K] | undefined {
    return this.cache.get(`${namespace}/${name}`) as KindMap[K] | undefined;
  }

  /** The same as `get`: every read is shared now (kept for the readers that name it). */
  getShared(namespace: string, name: string): Readonly<KindMap[K]> | undefined {
    return this.get(namespace, name);
  }

  /** Cached objects (frozen, shared), optionally of one namespace and only those `filter` accepts. */
  list(namespace?: string, filter?: (object: KindMap[K]) => boolean): KindMap[K][] {
    const shared = this.listShared(namespace);
    return filter ? shared.filter(filter) : [...shared];
  }

  /** The cached objects of one namespace (or all), as one frozen array shared until the next change. */
  listShared(namespace?: string): readonly KindMap[K][] {
    return this.cache.list(namespace) as readonly KindMap[K][];
  }

  /**
   * A superset of the cached objects of `namespace` controlled by the owner with uid `ownerUid` or with no
   * `controller: true` owner reference (adoption candidates), in cache order: the caller applies its exact rule.
   */
  /** The cached objects under any of `keys` of the informer's `indexer`, in cache order; shared, never to be changed. */
  byKeys(keys: Iterable<string>): readonly KindMap[K][] {
    return this.cache.byKeys(keys) as KindMap[K][];
  }

  controlledOrOrphaned(namespace: string, ownerUid: string): KindMap[K][] {
    return this.cache.controlledOrOrphaned(namespace, ownerUid) as KindMap[K][];
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  private async listAndWatch(): Promise<void> {
    const generation = ++this.generation;
    this.watchHandle?.stop();
    try {
      const { items, resourceVersion } = await this.cluster.list(this.kind, this.listOptions());
      if (generation !== this.generation) return;
      this.replaceCache(items);
      this.lastFailureCode = undefined;
      this.resourceVersion = resourceVersion;
      this.synced = true;
      this.relists++;
      this.touch();
      this.scheduleResync();
      this.openWatch(generation);
    } catch (err) {
      if (generation === this.generation) this.restartAfterError(err as Error);
    }
  }

  private listOptions() {
    return {
      ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
      ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
    };
  }

  private openWatch(generation: number): void {
    this.watchHandle = this.cluster.watch(
      this.kind,
      {
        ...this.listOptions(),
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
      },
      (event) => {
        if (generation === this.generation) this.applyEvent(event);
      },
      (error) => {
        if (generation !== this.generation || this.state !== 'running') return;
        if (!error) this.recovered();
        if (!error) this.openWatch(generation);
        else if (isGone(error)) void this.listAndWatch();
        else this.restartAfterError(error);
      },
    );
  }

  /** A delivered event (or bookmark) proves the stream works: the restart backoff starts over. */
  private applyEvent(event: WatchEvent<KubeObject>): void {
    this.touch();
    this.recovered();
    const rv = event.object.metadata.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const key = objectKey(event.object);
    const object = cachedForm(event.object);
    if (event.type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, object);
    this.notify(key, event.type, object);
  }

  /** Replaces the cache with a fresh list; emits the differences, and RESYNC for unchanged objects. */
  private replaceCache(items: KubeObject[]): void {
    const fresh = new Map(items.map((o) => [objectKey(o), cachedForm(o)]));
    for (const [key, old] of [...this.cache.entries()]) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.notify(key, 'DELETED', old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      const type: ChangeType = !old ? 'ADDED' : deepEqual(old, obj) ? 'RESYNC' : 'MODIFIED';
      this.notify(key, type, obj);
    }
  }

  private notify(key: string, type: ChangeType, object: KubeObject): void {
    for (const handler of this.handlers) handler(key, type, object as KindMap[K]);
  }

  private recovered(): void {
    this.failures = 0;
    this.failingSince = undefined;
  }

  private touch(): void {
    this.lastActivity = this.clock.now();
  }

  private scheduleResync(): void {
    if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.state === 'running') void this.listAndWatch();
    }, this.options.resyncMs ?? 900_000);
  }

  private restartAfterError(error: Error): void {
    if (this.state === 'stopped') return;
    this.lastFailureCode = isKubeApiError(error) ? error.code : undefined;
    this.options.onError?.(error);
    this.watchHandle?.stop();
    this.watchHandle = undefined;
    this.state = 'backoff';
    this.restarts++;
    this.failingSince ??= this.clock.now();
    const initial = this.options.backoffInitialMs ?? 500;
    const delay = Math.min(this.options.backoffMaxMs ?? 30_000, initial * 2 ** this.failures++);
    this.restartTimer = this.clock.setTimeout(() => {
      if (this.state !== 'backoff') return;
      this.state = 'running';
      void this.listAndWatch();
    }, delay);
  }
}
