import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kube/clock.js';
import {
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  TokenBucketRateLimiter,
} from '../../src/kube/rate-limiter.js';

describe('rate limiters', () => {
  it.each([
    { failures: 0, delay: 5 },
    { failures: 1, delay: 10 },
    { failures: 10, delay: 5_120 },
    { failures: 28, delay: 1_000_000 },
  ])('per key: failure $failures waits $delay ms', ({ failures, delay }) => {
    const limiter = new ItemExponentialRateLimiter();
    for (let i = 0; i < failures; i++) limiter.when('ns/a');
    expect([limiter.when('ns/a'), limiter.when('ns/b')]).toEqual([delay, 5]);
  });

  it('forget starts the key over', () => {
    const limiter = new ItemExponentialRateLimiter();
    for (let i = 0; i < 6; i++) limiter.when('ns/a');
    limiter.forget('ns/a');
    expect([limiter.retries('ns/a'), limiter.when('ns/a')]).toEqual([0, 5]);
  });

  it('the bucket lets a burst of 100 through, then 10 per second', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucketRateLimiter(clock);
    const burst = Array.from({ length: 100 }, () => bucket.when());
    expect(burst.every((d) => d === 0)).toBe(true);
    expect([bucket.when(), bucket.when()]).toEqual([100, 200]);
    clock.advance(1_000);
    expect(bucket.when()).toBe(0);
  });

  it('the default limiter takes the larger delay: many keys failing at once are spread by the bucket', () => {
    const clock = new ManualClock();
    const limiter = defaultControllerRateLimiter(clock);
    const delays = Array.from({ length: 120 }, (_, i) => limiter.when(`ns/k${i}`));
    expect([delays[0], delays[99], delays[100], delays[119]]).toEqual([5, 5, 100, 2_000]);
    expect(limiter.retries('ns/k0')).toBe(1);
  });
});
