/** Watch streams of the in-memory cluster: bounded history, replay from a resourceVersion, 410 when too old. */
import type { KubeObject } from '../api/meta.js';
import type { KindName, WatchEvent, WatchHandle, WatchOptions } from './cluster.js';
import { gone } from './errors.js';
import { cloneJson } from '../util/json.js';
import { fieldsMatch, labelsMatch } from './selectors.js';

export interface HistoryEntry {
  rv: number;
  kind: KindName;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before a MODIFIED, so selector transitions become ADDED / DELETED for filtered watches. */
  previous?: KubeObject;
}

interface Watcher {
  kind: KindName;
  options: WatchOptions;
  onEvent: (event: WatchEvent<KubeObject>) => void;
  onDone: (error?: Error) => void;
  stopped: boolean;
}

function selected(obj: KubeObject, options: WatchOptions): boolean {
  if (options.namespace && obj.metadata.namespace !== options.namespace) return false;
  return labelsMatch(obj.metadata.labels, options.labelSelector) && fieldsMatch(obj, options.fieldSelector);
}

/** What a filtered watcher sees of one change (the API server's translation of selector transitions). */
function translate(entry: HistoryEntry, options: WatchOptions): WatchEvent<KubeObject> | undefined {
  const now = selected(entry.object, options);
  if (entry.type !== 'MODIFIED') return now ? { type: entry.type, object: entry.object } : undefined;
  const before = entry.previous !== undefined && selected(entry.previous, options);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: entry.object };
  return before ? { type: 'DELETED', object: entry.object } : undefined;
}

export class WatchHub {
  private history: HistoryEntry[] = [];
  /** Highest resourceVersion dropped from history: a watch from below it gets 410 Gone. */
  private compactedThrough = 0;
  private readonly watchers = new Set<Watcher>();

  /** `shared`: deliver the recorded (frozen) object itself rather than a copy per watcher. */
  constructor(
    private readonly historyLimit: number,
    private readonly shared = false,
  ) {}

  record(entry: HistoryEntry): void {
    this.history.push(entry);
    while (this.history.length > this.historyLimit) this.compactedThrough = this.history.shift()?.rv ?? 0;
    for (const watcher of this.watchers) {
      if (watcher.kind === entry.kind) this.deliver(watcher, translate(entry, watcher.options));
    }
  }

  /** Forgets all history, as etcd compaction does: every watch from an older resourceVersion gets 410. */
  compact(currentRv: number): void {
    this.history = [];
    this.compactedThrough = currentRv;
  }

  open(
    kind: KindName,
    options: WatchOptions,
    onEvent: Watcher['onEvent'],
    onDone: Watcher['onDone'],
    initial: () => KubeObject[],
  ): WatchHandle {
    const watcher: Watcher = { kind, options, onEvent, onDone, stopped: false };
    const from = options.resourceVersion ? Number(options.resourceVersion) : 0;
    if (from > 0 && from < this.compactedThrough) {
      this.end(watcher, gone(`too old resource version: ${from} (${this.compactedThrough})`));
      return { stop: () => (watcher.stopped = true) };
    }
    this.watchers.add(watcher);
    if (from > 0) {
      for (const entry of this.history) {
        if (entry.rv > from && entry.kind === kind) this.deliver(watcher, translate(entry, options));
      }
    } else {
      for (const obj of initial())
        if (selected(obj, options)) this.deliver(watcher, { type: 'ADDED', object: obj });
    }
    return {
      stop: () => {
        watcher.stopped = true;
        this.watchers.delete(watcher);
      },
    };
  }

  /** Ends every open stream: cleanly (no error, like a server-side timeout) or with `error`. */
  closeAll(error?: Error): void {
    for (const watcher of [...this.watchers]) this.end(watcher, error);
  }

  /** Sends a BOOKMARK carrying `rv` to every watcher that asked for bookmarks. */
  bookmark(rv: number, objectFor: (kind: KindName) => KubeObject): void {
    for (const watcher of this.watchers) {
      if (!watcher.options.allowWatchBookmarks) continue;
      const object = objectFor(watcher.kind);
      object.metadata.resourceVersion = String(rv);
      this.deliver(watcher, { type: 'BOOKMARK', object });
    }
  }

  openWatches(): number {
    return this.watchers.size;
  }

  private deliver(watcher: Watcher, event: WatchEvent<KubeObject> | undefined): void {
    if (!event) return;
    const object = this.shared && event.type !== 'BOOKMARK' ? event.object : cloneJson(event.object);
    const copy = { type: event.type, object };
    queueMicrotask(() => {
      if (!watcher.stopped) watcher.onEvent(copy);
    });
  }

  private end(watcher: Watcher, error?: Error): void {
    this.watchers.delete(watcher);
    queueMicrotask(() => {
      if (watcher.stopped) return;
      watcher.stopped = true;
      watcher.onDone(error);
    });
  }
}
