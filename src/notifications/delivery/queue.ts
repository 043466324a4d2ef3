/**
 * The delivery queue: jobs run off the reconcile path, a few at a time, each retried with exponential backoff
 * (initial × 2^attempt, capped; longer when the receiver's `Retry-After` asks) before it is given up. Timers go through the Clock (tests drive a ManualClock).
 */
import type { Clock } from '../../kube/clock.js';

export interface RetryPolicy {
  attempts: number;
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialMs: 1000, maxMs: 30_000 };

export interface Job {
  run(): Promise<void>;
  /** The last error after every attempt failed (or a job marked permanent). */
  giveUp(error: Error): void;
}

/** An error that retrying cannot fix (bad options, a template that does not render, a receiver that refuses). */
export class PermanentError extends Error {}

/** A failure worth retrying, no sooner than the receiver asked (`Retry-After`). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The longest `Retry-After` honoured; a receiver asking for longer gets the delivery given up. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
}

/** The wait before the next attempt: the backoff, or the receiver's `Retry-After` when longer; undefined: give up. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: Error): number | undefined {
  const backoff = backoffMs(policy, attempt);
  const asked = error instanceof RetryableError ? error.retryAfterMs : undefined;
  if (asked === undefined) return backoff;
  return asked > MAX_RETRY_AFTER_MS ? undefined : Math.max(backoff, asked);
}

export class DeliveryQueue {
  private readonly waiting: { job: Job; attempt: number }[] = [];
  private running = 0;
  private timers = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
    private readonly concurrency = 2,
  ) {}

  push(job: Job): void {
    if (this.stopped) return;
    this.waiting.push({ job, attempt: 0 });
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
  }

  /** Resolves when nothing runs, waits or is scheduled for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.running === 0 && this.waiting.length === 0 && this.timers === 0;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift();
      if (!entry) break;
      this.running++;
      void this.attempt(entry.job, entry.attempt).finally(() => {
        this.running--;
        this.pump();
        this.notifyIdle();
      });
    }
  }

  private async attempt(job: Job, attempt: number): Promise<void> {
    try {
      await job.run();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const delay = retryDelayMs(this.policy, attempt, error);
      const last = attempt + 1 >= this.policy.attempts || this.stopped;
      if (error instanceof PermanentError || last || delay === undefined) {
        job.giveUp(error);
        return;
      }
      this.timers++;
      this.clock.setTimeout(() => {
        this.timers--;
        if (!this.stopped) this.waiting.push({ job, attempt: attempt + 1 });
        this.pump();
        this.notifyIdle();
      }, delay);
    }
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
