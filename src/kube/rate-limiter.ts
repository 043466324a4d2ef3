/**
 * Requeue rate limiting with client-go's default controller semantics (workqueue.DefaultControllerRateLimiter):
 * the larger of a per-key exponential backoff (5 ms · 2^failures, capped at 1000 s) and an overall token bucket
 * (10 per second, burst 100). Every failed reconcile (conflict, AlreadyExists, timeout, 5xx…) goes through it, and
 * `forget` after a success starts the key's backoff over. ADR 0056 records the choice.
 */
import type { Clock } from './clock.js';

export interface RateLimiter {
  /** The delay before `key` may be processed again; counts one more failure of `key`. */
  when(key: string): number;
  /** Forgets the key's failures (after a successful reconcile). */
  forget(key: string): void;
  /** Failures counted for `key` since the last `forget`. */
  retries(key: string): number;
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1_000_000;
export const DEFAULT_QPS = 10;
export const DEFAULT_BURST = 100;

/** Per key: base · 2^failures, capped. */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseDelayMs = DEFAULT_BASE_DELAY_MS,
    private readonly maxDelayMs = DEFAULT_MAX_DELAY_MS,
  ) {}

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** failures);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** One token bucket shared by every key: `burst` requeues at once, then `qps` per second. */
export class TokenBucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps = DEFAULT_QPS,
    private readonly burst = DEFAULT_BURST,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Reserves a token: 0 when one is available now, else the wait until the reserved token exists. */
  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(): void {}

  retries(): number {
    return 0;
  }
}

/** The longest delay of several limiters (each one counts the failure). */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  retries(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.retries(key)));
  }
}

/** client-go's DefaultControllerRateLimiter: 5 ms → 1000 s per key, at most 10 qps (burst 100) overall. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialRateLimiter(), new TokenBucketRateLimiter(clock));
}
