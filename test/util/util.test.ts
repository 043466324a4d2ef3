import { describe, expect, it } from 'vitest';
import { applyMergePatch, cloneJson, deepEqual, diffMergePatch } from '../../src/util/json.js';
import { formatMicroTime, formatTime, parseTime } from '../../src/util/time.js';

describe('deepEqual', () => {
  it.each([
    { name: 'key order ignored', a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, equal: true },
    { name: 'undefined key equals absent key', a: { x: 1, y: undefined }, b: { x: 1 }, equal: true },
    { name: 'array order matters', a: [1, 2], b: [2, 1], equal: false },
    { name: 'array vs object', a: [], b: {}, equal: false },
    { name: 'null vs object', a: null, b: {}, equal: false },
    { name: 'nested difference', a: { x: { y: 1 } }, b: { x: { y: 2 } }, equal: false },
    { name: 'extra key', a: { x: 1 }, b: { x: 1, y: 0 }, equal: false },
  ])('$name', ({ a, b, equal }) => {
    expect(deepEqual(a, b)).toBe(equal);
    expect(deepEqual(b, a)).toBe(equal);
  });
});

describe('merge patches', () => {
  it.each([
    { name: 'scalar changed', from: { a: 1, b: 2 }, to: { a: 1, b: 3 }, patch: { b: 3 } },
    { name: 'key removed', from: { a: 1, b: 2 }, to: { a: 1 }, patch: { b: null } },
    { name: 'array replaced whole', from: { l: [1, 2] }, to: { l: [1] }, patch: { l: [1] } },
    { name: 'nested key added', from: { m: { x: 1 } }, to: { m: { x: 1, y: 2 } }, patch: { m: { y: 2 } } },
  ])('$name: diff, then apply, gives the target', ({ from, to, patch }) => {
    expect(diffMergePatch(from, to)).toEqual(patch);
    expect(applyMergePatch(from, patch)).toEqual(to);
  });

  it('equal objects have no patch', () => {
    expect(diffMergePatch({ a: [1] }, { a: [1] })).toBeUndefined();
  });

  it('a clone shares nothing with its source', () => {
    const source = { a: { b: [1] } };
    const copy = cloneJson(source);
    copy.a.b.push(2);
    expect(source.a.b).toEqual([1]);
  });
});

describe('time formatting', () => {
  const ms = Date.UTC(2026, 4, 4, 10, 0, 0, 999);
  it.each([
    { name: 'RFC 3339 drops the milliseconds', format: formatTime, want: '2026-05-04T10:00:00Z' },
    { name: 'MicroTime has six digits', format: formatMicroTime, want: '2026-05-04T10:00:00.999000Z' },
  ])('$name', ({ format, want }) => {
    expect(format(ms)).toBe(want);
  });

  it.each([
    { value: '2026-05-04T10:00:00Z', want: Date.UTC(2026, 4, 4, 10) },
    { value: 'not a time', want: undefined },
    { value: undefined, want: undefined },
    { value: '', want: undefined },
  ])('parseTime($value)', ({ value, want }) => {
    expect(parseTime(value)).toBe(want);
  });
});
