/**
 * The delivery queue: jobs run off the reconcile path, a few at a time, each retried with exponential backoff
 * (initial × 2^attempt, capped) before it is given up. Timers go through the Clock (tests drive a ManualClock).
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

/** An error that retrying cannot fix (bad options, a template that does not render). */
export class PermanentError extends Error {}

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** attempt);
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
      if (error instanceof PermanentError || attempt + 1 >= this.policy.attempts || this.stopped) {
        job.giveUp(error);
        return;
      }
      this.timers++;
      this.clock.setTimeout(
        () => {
          this.timers--;
          if (!this.stopped) this.waiting.push({ job, attempt: attempt + 1 });
          this.pump();
          this.notifyIdle();
        },
        backoffMs(this.policy, attempt),
      );
    }
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
