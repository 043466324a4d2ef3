/**
 * `-w`: run a render callback now and again after every change the cluster reports for the watched kinds
 * (debounced, never two at once), until the callback says it is done, the timeout passes or the signal aborts.
 * A watch the server closes is reopened from scratch: its initial ADDED events trigger one re-read, which is how
 * a 410 Gone is healed too.
 */
import type { Cluster, KindName, WatchHandle } from '../../kube/cluster.js';
import { isKubeApiError } from '../../kube/errors.js';

export interface WatchTarget {
  kind: KindName;
  namespace?: string;
  fieldSelector?: string;
  /** A kind the cluster may not serve or may not let the user read (AnalysisRuns): a 404 or 403 drops the watch. */
  optional?: boolean;
}

export interface WatchLoopOptions {
  cluster: Cluster;
  targets: readonly WatchTarget[];
  /** Renders the current state; resolves to true when the loop is done (e.g. `status -w` reached Healthy). */
  onChange: () => Promise<boolean>;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Quiet time before re-reading after an event; default 100 ms. */
  debounceMs?: number;
  /** Delay before reopening a closed watch; default 1 s. */
  reopenMs?: number;
  /** Also re-render this often when `refreshing()` says so (what no watch reports: observed shares). */
  refresh?: Refresh | undefined;
}

export interface Refresh {
  everyMs: number;
  refreshing: () => boolean;
}

export type WatchEnd = 'done' | 'timeout' | 'aborted';

/** Watches that fail this many times in a row without delivering an event end the loop with their error. */
const MAX_FAILED_OPENS = 5;

class WatchLoop {
  private readonly handles = new Map<WatchTarget, WatchHandle>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private pending = false;
  private failedOpens = 0;
  private finished = false;

  constructor(
    private readonly options: WatchLoopOptions,
    private readonly resolve: (end: WatchEnd) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  start(): void {
    const { timeoutMs, signal } = this.options;
    if (signal?.aborted) return this.finish('aborted');
    signal?.addEventListener('abort', () => this.finish('aborted'), { once: true });
    if (timeoutMs !== undefined) this.later(timeoutMs, () => this.finish('timeout'));
    if (this.options.refresh) this.tick(this.options.refresh);
    void this.render().then(() => {
      if (!this.finished) for (const target of this.options.targets) this.open(target);
    });
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private tick(refresh: Refresh): void {
    this.later(refresh.everyMs, () => {
      if (this.finished) return;
      if (refresh.refreshing()) this.schedule();
      this.tick(refresh);
    });
  }

  private open(target: WatchTarget): void {
    const options = {
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.fieldSelector ? { fieldSelector: target.fieldSelector } : {}),
    };
    const handle = this.options.cluster.watch(
      target.kind,
      options,
      () => {
        this.failedOpens = 0;
        this.schedule();
      },
      (error) => this.closed(target, error),
    );
    this.handles.set(target, handle);
  }

  private closed(target: WatchTarget, error: Error | undefined): void {
    this.handles.delete(target);
    if (this.finished) return;
    if (target.optional && isKubeApiError(error) && (error.code === 404 || error.code === 403)) return;
    if (error && ++this.failedOpens >= MAX_FAILED_OPENS) return this.fail(error);
    this.later(this.options.reopenMs ?? 1000, () => !this.finished && this.open(target));
  }

  private schedule(): void {
    if (this.finished) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.render();
    }, this.options.debounceMs ?? 100);
  }

  private async render(): Promise<void> {
    if (this.running) {
      this.pending = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.pending = false;
        if (this.finished) return;
        if (await this.options.onChange()) return this.finish('done');
      } while (this.pending);
    } catch (err) {
      this.fail(err);
    } finally {
      this.running = false;
    }
  }

  private stopAll(): void {
    this.finished = true;
    if (this.debounce) clearTimeout(this.debounce);
    for (const timer of this.timers) clearTimeout(timer);
    for (const handle of this.handles.values()) handle.stop();
    this.handles.clear();
  }

  private finish(end: WatchEnd): void {
    if (this.finished) return;
    this.stopAll();
    this.resolve(end);
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    this.stopAll();
    this.reject(err);
  }
}

export function watchLoop(options: WatchLoopOptions): Promise<WatchEnd> {
  return new Promise((resolve, reject) => new WatchLoop(options, resolve, reject).start());
}

export interface ShowOptions {
  cluster: Cluster;
  watch: boolean;
  targets: readonly WatchTarget[];
  /** Reads and prints the current state. */
  show: () => Promise<void>;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  refresh?: Refresh | undefined;
}

/** `get` and `list`: show once, or with `-w` again after every change until interrupted or the timeout passes. */
export async function showOnceOrWatch(options: ShowOptions): Promise<void> {
  const { show, ...loop } = options;
  if (!options.watch) return show();
  await watchLoop({
    ...loop,
    onChange: async () => {
      await show();
      return false;
    },
  });
}
