/**
 * Synthetic requests routed by the traffic-path model: each request on a path reaches the canary with probability
 * equal to the path's predicted canary share. Pure: the random source is a seeded PRNG passed in.
 *
 * Statistics. The canary count of n requests at share p is Binomial(n, p); the observed share has standard deviation
 * sqrt(p(1−p)/n). `shareTolerance(p, n, z)` is the two-sided normal-approximation half-width: at n = 2000 and
 * z = 1.96 (95 %) it is 1.31 pp for p = 0.1 and 2.19 pp for p = 0.5, so "within ±3 pp" holds with probability
 * > 99 % for every p (at p = 0.5, ±3 pp is 2.68 σ). The sandbox's window (500 requests) gives ±2.63 pp at p = 0.1 and
 * ±4.38 pp at p = 0.5 (95 %).
 */

/** Uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; the same seed gives the same sequence. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RoutablePath {
  id: string;
  /** Fraction 0..1 of requests that reach the canary; null when requests on the path fail. */
  canaryShare: number | null;
}

export interface RouteCounts {
  canary: number;
  stable: number;
  /** Requests that got no answer (the path fails: no healthy upstream, STRICT mTLS for a plain caller). */
  failed: number;
}

export const emptyCounts = (): RouteCounts => ({ canary: 0, stable: 0, failed: 0 });

/** Throws unless `share` is null or within 0..1; `what()` names the caller and path in the message. */
export function checkShare(share: number | null, what: () => string): void {
  if (share !== null && !(share >= 0 && share <= 1)) {
    throw new Error(`${what()}: canaryShare must be within 0..1, got ${share}`);
  }
}

/**
 * Sends `count` requests on a path whose canary share is `share` (null: the path fails). A failing path and shares 0
 * and 1 have one outcome: no random draw (most paths, most of the time).
 */
export function routeBatch(share: number | null, count: number, rng: Rng): RouteCounts {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`routeBatch: count must be a non-negative integer, got ${count}`);
  checkShare(share, () => 'routeBatch');
  const counts = emptyCounts();
  if (share === null) counts.failed = count;
  else if (share === 0) counts.stable = count;
  else if (share === 1) counts.canary = count;
  else {
    for (let i = 0; i < count; i++) {
      if (rng() < share) counts.canary++;
      else counts.stable++;
    }
  }
  return counts;
}

/** z for a two-sided confidence level (the levels the project documents). */
export const Z_95 = 1.959964;
export const Z_99_9 = 3.290527;

/** Half-width (fraction) of the normal-approximation confidence interval of an observed share over n requests. */
export function shareTolerance(share: number, requests: number, z = Z_95): number {
  if (requests <= 0) return 1;
  return z * Math.sqrt((share * (1 - share)) / requests);
}

/** Share of answered requests that reached the canary, 0..1; null when nothing was answered. */
export function canaryFraction(counts: RouteCounts): number | null {
  const answered = counts.canary + counts.stable;
  return answered === 0 ? null : counts.canary / answered;
}
