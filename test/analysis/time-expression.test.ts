import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/analysis/duration.js';
import { evalTimeExpression } from '../../src/analysis/time-expression.js';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    { text: '30s', ms: 30_000 },
    { text: '5m', ms: 300_000 },
    { text: '1h30m', ms: 5_400_000 },
    { text: '1.5s', ms: 1_500 },
    { text: '300ms', ms: 300 },
    { text: '250us', ms: 0.25 },
    { text: '-1m', ms: -60_000 },
    { text: '+2h', ms: 7_200_000 },
    { text: '0', ms: 0 },
    { text: '.5m', ms: 30_000 },
  ])('$text = $ms ms', ({ text, ms }) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each([
    { text: '', error: 'time: invalid duration ""' },
    { text: '10', error: 'time: missing unit in duration "10"' },
    { text: '1d', error: 'time: unknown unit "d" in duration "1d"' },
    { text: 'm', error: 'time: invalid duration "m"' },
    { text: '1m ', error: 'time: unknown unit "m " in duration "1m "' },
  ])('$text is refused with Go message', ({ text, error }) => {
    expect(() => parseGoDuration(text)).toThrow(error);
  });
});

describe('evalTimeExpression (rangeQuery start/end)', () => {
  const now = new Date('2026-05-04T10:00:00.000Z');
  it.each([
    { expression: 'now()', at: '2026-05-04T10:00:00.000Z' },
    { expression: 'now() - duration("10m")', at: '2026-05-04T09:50:00.000Z' },
    { expression: "now()-duration('1h30m')", at: '2026-05-04T08:30:00.000Z' },
    { expression: ' now ( ) + duration("1s") - duration("2s") ', at: '2026-05-04T09:59:59.000Z' },
    { expression: 'date("2026-01-02T03:04:05Z")', at: '2026-01-02T03:04:05.000Z' },
    { expression: 'date("2026-01-02") + duration("1h")', at: '2026-01-02T01:00:00.000Z' },
    { expression: 'now() - (now() - duration("5m"))', error: 'unsupported time expression' },
    { expression: 'now() - duration("5m") - now()', error: 'expected time.Time, but got time.Duration' },
    { expression: 'duration("5m")', error: 'expected time.Time, but got time.Duration' },
    { expression: 'now() now()', error: 'unsupported time expression' },
    { expression: 'now() -', error: 'unsupported time expression' },
    { expression: '', error: 'unsupported time expression' },
    { expression: 'now() + now()', error: 'invalid operation: time.Time + time.Time' },
    { expression: 'now() - duration("5d")', error: 'time: unknown unit "d"' },
    { expression: 'date("yesterday")', error: 'not an RFC 3339 time' },
  ])('$expression', ({ expression, at, error }) => {
    if (error !== undefined) expect(() => evalTimeExpression(expression, now)).toThrow(error);
    else expect(evalTimeExpression(expression, now).toISOString()).toBe(at);
  });
});
