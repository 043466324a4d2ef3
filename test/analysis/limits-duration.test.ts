import { describe, expect, it } from 'vitest';
import { effectiveCount, intValue, metricLimits } from '../../src/analysis/metric-limits.js';
import { durationMilliseconds } from '../../src/analysis/duration.js';

describe('parseDuration (Go time.ParseDuration)', () => {
  const rows: [string, number | undefined][] = [
    ['1s', 1000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['0', 0],
    ['-1s', -1000],
    ['30', undefined],
    ['', undefined],
    ['1d', undefined],
    ['s', undefined],
  ];
  it.each(rows)('%s → %s', (text, ms) => expect(durationMilliseconds(text)).toBe(ms));
});

describe('IntOrString fields', () => {
  const rows: [number | string | undefined, number | undefined][] = [
    [3, 3],
    ['3', 3],
    ['-1', -1],
    ['abc', 0],
    ['3.5', 0],
    [undefined, undefined],
  ];
  it.each(rows)('intValue(%s) = %s', (v, n) => expect(intValue(v)).toBe(n));

  it('effectiveCount: none ⇒ 1, interval only ⇒ unbounded, count "0" with interval ⇒ unbounded', () => {
    const provider = { web: { url: 'x' } };
    expect(effectiveCount({ name: 'm', provider })).toBe(1);
    expect(effectiveCount({ name: 'm', provider, interval: '1s' })).toBeUndefined();
    expect(effectiveCount({ name: 'm', provider, interval: '1s', count: '0' })).toBeUndefined();
    expect(effectiveCount({ name: 'm', provider, interval: '1s', count: '7' })).toBe(7);
  });

  it('limit defaults: failure 0, inconclusive 0, consecutiveError 4, consecutiveSuccess 0', () => {
    expect(metricLimits({ name: 'm', provider: {} })).toEqual({
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      consecutiveSuccessLimit: 0,
    });
  });
});
