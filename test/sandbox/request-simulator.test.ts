import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kube/clock.js';
import { ObservationWindow } from '../../src/sandbox/observation-window.js';
import { RequestDriver } from '../../src/sandbox/request-driver.js';
import {
  canaryFraction,
  routeRequests,
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

describe('routeRequests', () => {
  it.each([
    { name: 'gateway at 10 %', share: 0.1 },
    { name: 'mesh at 50 % (pod-count split)', share: 0.5 },
    { name: 'plain at 90 %', share: 0.9 },
  ])('$name: the observed share of 2000 requests is within ±3 pp', ({ share }) => {
    const counts = routeRequests([{ id: 'p', canaryShare: share }], 2000, seededRng(1234)).get('p')!;
    expect(counts.canary + counts.stable).toBe(2000);
    expect(Math.abs(canaryFraction(counts)! - share)).toBeLessThanOrEqual(0.03);
  });

  it('over 400 seeds, the 95 % interval holds for about 95 % of the runs (n=2000, p=0.1)', () => {
    const p = 0.1;
    const tolerance = shareTolerance(p, 2000);
    let inside = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const counts = routeRequests([{ id: 'p', canaryShare: p }], 2000, seededRng(seed)).get('p')!;
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
    expect(routeRequests([{ id: 'p', canaryShare: share }], 300, seededRng(9)).get('p')).toEqual({
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
    routeRequests([{ id: 'p', canaryShare: share }], 300, () => (drawn++, rng()));
    expect(drawn).toBe(draws);
  });

  it('is deterministic for a seed', () => {
    const paths = [
      { id: 'a', canaryShare: 0.3 },
      { id: 'b', canaryShare: 0.7 },
    ];
    expect(routeRequests(paths, 500, seededRng(5))).toEqual(routeRequests(paths, 500, seededRng(5)));
  });

  it.each([
    { name: 'share above 1', paths: [{ id: 'x', canaryShare: 1.5 }], count: 1, error: /path x: canaryShare/ },
    { name: 'negative count', paths: [], count: -1, error: /count must be a non-negative integer/ },
  ])('rejects $name', ({ paths, count, error }) => {
    expect(() => routeRequests(paths, count, seededRng(1))).toThrow(error);
  });
});

describe('ObservationWindow', () => {
  it('forgets batches older than the window', () => {
    const w = new ObservationWindow({ windowMs: 10_000, maxRequests: 1000 });
    w.record('p', { canary: 50, stable: 50, failed: 0 }, 0);
    w.record('p', { canary: 10, stable: 90, failed: 0 }, 5_000);
    expect(w.observe('p', 9_000)).toMatchObject({ share: 30, requests: 200 });
    expect(w.observe('p', 12_000)).toMatchObject({ share: 10, requests: 100 });
  });

  it('keeps only the newest maxRequests (whole batches)', () => {
    const w = new ObservationWindow({ windowMs: 60_000, maxRequests: 200 });
    for (let t = 0; t < 5; t++) w.record('p', { canary: 50, stable: 50, failed: 0 }, t);
    w.record('p', { canary: 10, stable: 90, failed: 0 }, 10);
    w.record('p', { canary: 10, stable: 90, failed: 0 }, 11);
    expect(w.observe('p', 12)).toMatchObject({ share: 10, requests: 200 });
  });

  it('reports no share when nothing was answered', () => {
    const w = new ObservationWindow({ windowMs: 1000, maxRequests: 100 });
    w.record('p', { canary: 0, stable: 0, failed: 20 }, 0);
    expect(w.observe('p', 1)).toMatchObject({ share: null, failed: 20, requests: 20 });
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
