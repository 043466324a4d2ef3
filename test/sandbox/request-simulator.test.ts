import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kube/clock.js';
import { PathTraffic } from '../../src/sandbox/path-traffic.js';
import { RequestDriver } from '../../src/sandbox/request-driver.js';
import {
  canaryFraction,
  routeBatch,
  seededRng,
  shareTolerance,
  Z_95,
} from '../../src/sandbox/request-simulator.js';

describe('shareTolerance (normal approximation of the binomial)', () => {
  it.each([
    { name: 'p=0.1, n=2000', p: 0.1, n: 2000, halfWidthPp: 1.31 },
    { name: 'p=0.5, n=2000', p: 0.5, n: 2000, halfWidthPp: 2.19 },
    { name: 'p=0.1, n=500 (sandbox window)', p: 0.1, n: 500, halfWidthPp: 2.63 },
    { name: 'p=0.5, n=500 (sandbox window)', p: 0.5, n: 500, halfWidthPp: 4.38 },
    { name: 'p=0 has no spread', p: 0, n: 100, halfWidthPp: 0 },
  ])('$name → ±$halfWidthPp pp at 95 %', ({ p, n, halfWidthPp }) => {
    expect(shareTolerance(p, n, Z_95) * 100).toBeCloseTo(halfWidthPp, 2);
  });

  it('the documented ±3 pp bound for n=2000 covers the 95 % interval for every share', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => shareTolerance(p, 2000) * 100 < 3),
    );
  });
});

describe('routeBatch', () => {
  it.each([
    { name: 'gateway at 10 %', share: 0.1 },
    { name: 'mesh at 50 % (pod-count split)', share: 0.5 },
    { name: 'plain at 90 %', share: 0.9 },
  ])('$name: the observed share of 2000 requests is within ±3 pp', ({ share }) => {
    const counts = routeBatch(share, 2000, seededRng(1234));
    expect(counts.canary + counts.stable).toBe(2000);
    expect(Math.abs(canaryFraction(counts)! - share)).toBeLessThanOrEqual(0.03);
  });

  it('over 400 seeds, the 95 % interval holds for about 95 % of the runs (n=2000, p=0.1)', () => {
    const p = 0.1;
    const tolerance = shareTolerance(p, 2000);
    let inside = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const counts = routeBatch(p, 2000, seededRng(seed));
      if (Math.abs(canaryFraction(counts)! - p) <= tolerance) inside++;
    }
    // Binomial(400, 0.95) has sd 4.4: 92 %–98 % is beyond ±2.7 sd.
    expect(inside / 400).toBeGreaterThan(0.92);
    expect(inside / 400).toBeLessThan(0.98);
  });

  it.each([
    { name: 'share 0 never reaches the canary', share: 0, canary: 0, stable: 300, failed: 0 },
    { name: 'share 1 always reaches the canary', share: 1, canary: 300, stable: 0, failed: 0 },
    { name: 'a failing path answers nothing', share: null, canary: 0, stable: 0, failed: 300 },
  ])('$name', ({ share, canary, stable, failed }) => {
    expect(routeBatch(share, 300, seededRng(9))).toEqual({
      canary,
      stable,
      failed,
    });
  });

  it.each([
    { name: 'share 0', share: 0, draws: 0 },
    { name: 'share 1', share: 1, draws: 0 },
    { name: 'a failing path', share: null, draws: 0 },
    { name: 'share 0.4', share: 0.4, draws: 300 },
  ])('$name: $draws random draws for 300 requests', ({ share, draws }) => {
    const rng = seededRng(9);
    let drawn = 0;
    routeBatch(share, 300, () => (drawn++, rng()));
    expect(drawn).toBe(draws);
  });

  it('is deterministic for a seed', () => {
    expect(routeBatch(0.3, 500, seededRng(5))).toEqual(routeBatch(0.3, 500, seededRng(5)));
    expect(routeBatch(0.3, 500, seededRng(5))).not.toEqual(routeBatch(0.3, 500, seededRng(6)));
  });

  it.each([
    { name: 'share above 1', share: 1.5, count: 1, error: /routeBatch: canaryShare must be within 0..1/ },
    { name: 'NaN share', share: Number.NaN, count: 1, error: /canaryShare must be within 0..1, got NaN/ },
    { name: 'negative count', share: 0.5, count: -1, error: /count must be a non-negative integer/ },
  ])('rejects $name', ({ share, count, error }) => {
    expect(() => routeBatch(share, count, seededRng(1))).toThrow(error);
  });
});

/** Ticks `shares` one per `stepMs` from `start`, each a new paths array of path `p` (and `q` when given). */
function ticked(
  traffic: PathTraffic,
  shares: (number | null)[],
  stepMs: number,
  start = 0,
  q?: number,
): number {
  shares.forEach((share, i) => {
    const paths = [
      { id: 'p', canaryShare: share },
      ...(q === undefined ? [] : [{ id: 'q', canaryShare: q }]),
    ];
    traffic.tick(paths, start + i * stepMs);
  });
  return start + (shares.length - 1) * stepMs;
}

describe('PathTraffic', () => {
  const options = { perTick: 100, windowMs: 10_000, maxRequests: 1000, seed: 7 };

  it.each([
    {
      name: 'only ticks inside the window count',
      shares: [0, 0, 0, 1, 1],
      stepMs: 4_000,
      canary: 200,
      requests: 300,
    },
    {
      name: 'the newest maxRequests, whole ticks',
      shares: new Array<number>(12).fill(0).concat([1, 1]),
      stepMs: 10,
      canary: 200,
      requests: 1000,
    },
    { name: 'a failing path answers nothing', shares: [null, null], stepMs: 10, canary: 0, requests: 200 },
    {
      name: 'a path that appeared late counts from then',
      shares: [1],
      stepMs: 10,
      canary: 100,
      requests: 100,
    },
  ])('$name', ({ shares, stepMs, canary, requests }) => {
    const traffic = new PathTraffic(options);
    const now = ticked(traffic, shares, stepMs);
    expect(traffic.observe('p', now)).toMatchObject({ canary, requests });
  });

  it('keeps the shares a path had earlier in the window, and forgets them after it', () => {
    const traffic = new PathTraffic({ ...options, maxRequests: 400 });
    const mid = ticked(traffic, [0, 0, 1, 1], 100);
    expect(traffic.observe('p', mid)).toMatchObject({ canary: 200, stable: 200, share: 50 });
    const later = ticked(traffic, [1, 1], 100, mid + 100);
    expect(traffic.observe('p', later)).toMatchObject({ canary: 400, stable: 0, share: 100 });
  });

  it('draws each tick once: reading again, or a window sliding over it, sees the same requests', () => {
    const traffic = new PathTraffic({ ...options, maxRequests: 200 });
    const now = ticked(traffic, [0.5, 0.5, 0.5], 100);
    const first = traffic.observe('p', now);
    expect(traffic.observe('p', now)).toEqual(first);
    const single = new PathTraffic({ ...options, maxRequests: 100 });
    ticked(single, [0.5, 0.5, 0.5], 100);
    const newest = single.observe('p', now);
    traffic.tick([{ id: 'p', canaryShare: 0 }], now + 100);
    // The window of two now holds the last 0.5 tick (the one `single` saw) and one tick at share 0.
    expect(traffic.observe('p', now + 100)).toMatchObject({ canary: newest.canary, requests: 200 });
  });

  it('converges: the observed share of a full window is the predicted one within its 95 % interval', () => {
    const traffic = new PathTraffic(options);
    const now = ticked(traffic, new Array<number>(10).fill(0.1), 500);
    const seen = traffic.observe('p', now);
    expect(seen.requests).toBe(1000);
    expect(Math.abs(seen.share! / 100 - 0.1)).toBeLessThanOrEqual(shareTolerance(0.1, 1000));
  });

  it('forgets paths the model no longer lists; the same paths array ticks on unchanged', () => {
    const traffic = new PathTraffic(options);
    const now = ticked(traffic, [0], 10, 0, 0.5);
    expect(traffic.size).toBe(2);
    const same = [{ id: 'p', canaryShare: 1 }];
    traffic.tick(same, now + 10);
    expect(traffic.size).toBe(1);
    expect(traffic.observe('q', now + 10)).toMatchObject({ requests: 0, share: null });
    traffic.tick(same, now + 20);
    expect(traffic.observe('p', now + 20)).toMatchObject({ canary: 200, requests: 300 });
  });

  it('rejects a share outside 0..1, naming the path', () => {
    const traffic = new PathTraffic(options);
    expect(() => traffic.tick([{ id: 'mesh:a', canaryShare: 2 }], 0)).toThrow(/path mesh:a: canaryShare/);
  });
});

describe('RequestDriver', () => {
  it('converges to a new predicted share within one window', () => {
    const clock = new ManualClock(0);
    let share = 0.5;
    const driver = new RequestDriver({ clock, paths: () => [{ id: 'mesh', canaryShare: share }], seed: 3 });
    driver.start();
    clock.advance(10_000);
    const before = driver.observed('mesh');
    expect(Math.abs(before.share! - 50)).toBeLessThanOrEqual(shareTolerance(0.5, before.requests) * 100);
    share = 0.1;
    clock.advance(5_000);
    const after = driver.observed('mesh');
    expect(after.requests).toBe(500);
    expect(Math.abs(after.share! - 10)).toBeLessThanOrEqual(shareTolerance(0.1, after.requests) * 100);
    driver.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
