import { describe, expect, it } from 'vitest';
import { parseDuration, parseIntOrPercent, resolveIntOrPercent } from './validate.js';

describe('parseDuration', () => {
  it.each([
    { input: 30, seconds: 30 },
    { input: '45', seconds: 45 },
    { input: '10s', seconds: 10 },
    { input: '5m', seconds: 300 },
    { input: '1h', seconds: 3600 },
    { input: '1h30m', seconds: 5400 },
    { input: '1.5h', seconds: 5400 },
    { input: '1500ms', seconds: 1 },
    { input: '0', seconds: 0 },
    { input: '-10s', seconds: -10 },
    { input: '10 minutes', seconds: undefined },
    { input: '10d', seconds: undefined },
    { input: 'h', seconds: undefined },
    { input: '', seconds: undefined },
    { input: 1.5, seconds: undefined },
  ])('$input → $seconds', ({ input, seconds }) => {
    expect(parseDuration(input)).toBe(seconds);
  });
});

describe('parseIntOrPercent / resolveIntOrPercent', () => {
  it.each([
    { input: 3, parsed: { kind: 'int', value: 3 }, surge: 3, unavailable: 3 },
    { input: '25%', parsed: { kind: 'percent', value: 25 }, surge: 3, unavailable: 2 },
    { input: '25', parsed: { kind: 'percent', value: 25 }, surge: 3, unavailable: 2 },
    { input: 'x', parsed: undefined, surge: undefined, unavailable: undefined },
    { input: -1, parsed: undefined, surge: undefined, unavailable: undefined },
  ])('$input of 10', ({ input, parsed, surge, unavailable }) => {
    expect(parseIntOrPercent(input)).toEqual(parsed);
    expect(resolveIntOrPercent(input, 10, true)).toBe(surge);
    expect(resolveIntOrPercent(input, 10, false)).toBe(unavailable);
  });
});
