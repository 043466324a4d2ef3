/**
 * A keyed, deduplicating work queue with client-go's semantics: a key waiting in the queue is queued once; a key
 * being processed is never handed to a second worker, and a key re-added meanwhile is processed once more after
 * `done`. Failures requeue through a rate limiter (client-go's default controller limiter unless one is given);
 * `addAfter` for timed requeues; `addUrgent` puts a key ahead of the waiting ones (ADR 0150).
 */
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  clock?: Clock;
  /** Default: per-key 5 ms → 1000 s exponential backoff, combined with a 10 qps / burst 100 token bucket. */
  rateLimiter?: RateLimiter;
  /** Called whenever the number of waiting keys changes (for the depth gauge). */
  onDepthChange?: (depth: number) => void;
}

interface DelayedKey {
  at: number;
  timer: TimerHandle;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly onDepthChange: ((depth: number) => void) | undefined;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  /** Keys being processed that were re-added urgently: back at the front after `done`. */
  private readonly urgent = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, DelayedKey>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock();
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.onDepthChange = options.onDepthChange;
  }

  /** Queues `key` unless it is already waiting. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /**
   * Queues `key` ahead of every waiting key (or moves it there): for a change that lets a Rollout make progress
   * now, which must not wait behind periodic and follow-up passes. Being processed, it goes first after `done`.
   */
  addUrgent(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      this.urgent.add(key);
      return;
    }
    if (this.dirty.has(key)) {
      const at = this.queue.indexOf(key);
      if (at > 0) this.queue.splice(at, 1);
      if (at !== 0) this.queue.unshift(key);
      return;
    }
    this.dirty.add(key);
    this.push(key, true);
  }

  /** Queues `key` after `ms`. When the key is already scheduled, the earlier time wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Queues `key` after the rate limiter's delay and counts one more failure. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.nextBackoff(key));
  }

  /** The delay `addRateLimited` would use now, counting the failure. */
  nextBackoff(key: string): number {
    return this.rateLimiter.when(key);
  }

  /** Resets the key's backoff after a successful reconcile. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  failureCount(key: string): number {
    return this.rateLimiter.retries(key);
  }

  /** The next key to process; resolves with undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.startProcessing(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; if it was re-added meanwhile it goes back in the queue. */
  done(key: string): void {
    this.processing.delete(key);
    const urgent = this.urgent.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key, urgent);
  }

  /** Keys waiting to be processed (not counting delayed ones or those being processed). */
  depth(): number {
    return this.queue.length;
  }

  /** Keys scheduled with addAfter / addRateLimited that have not fired yet. */
  delayedCount(): number {
    return this.delayed.size;
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Stops handing out keys: pending `get`s resolve with undefined, timers are cancelled. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.urgent.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
    this.onDepthChange?.(0);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(key: string, front = false): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(this.startProcessing(key));
      return;
    }
    if (front) this.queue.unshift(key);
    else this.queue.push(key);
    this.onDepthChange?.(this.queue.length);
  }

  private startProcessing(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    this.onDepthChange?.(this.queue.length);
    return key;
  }
}

/** Resolves on a later turn of the event loop, after due timers and pending I/O callbacks have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `workers` loops that take keys from `queue` and call `process`; resolves when the queue shuts down and every
 * loop has finished its current key. `process` must not throw (errors are the handler's to classify).
 *
 * Each loop yields to the event loop after every key (ADR 0315): a pass that makes no request (cache reads only, or
 * every request answered by the in-memory cluster) resolves as microtasks, and without the yield the loops would
 * run key after key while timers (timed requeues, pod readiness in the sandbox), probes and replies waited.
 */
export async function runWorkers(
  queue: WorkQueue,
  workers: number,
  process: (key: string) => Promise<void>,
): Promise<void> {
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await process(key);
      } finally {
        queue.done(key);
      }
      await nextTurn();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
}
