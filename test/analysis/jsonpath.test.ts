import { describe, expect, it } from 'vitest';
import { compileJsonPath } from '../../src/analysis/jsonpath.js';

const body = {
  data: { ok: true, rate: 0.25, count: 3, 'my.key': 'dotted', nested: { deep: [10, 20, 30] } },
  items: [
    { name: 'a', value: 1, tags: ['x'] },
    { name: 'b', value: 2 },
    { name: 'c', value: 3, extra: { value: 99 } },
  ],
  empty: [],
};

describe('Kubernetes JSONPath, the subset Argo templates use', () => {
  it.each([
    { path: '{$}', first: body },
    { path: '{$.data.ok}', first: true },
    { path: '{.data.ok}', first: true },
    { path: '{ $.data.rate }', first: 0.25 },
    { path: '{$.data.count}', first: 3 },
    { path: "{$.data['my.key']}", first: 'dotted' },
    { path: '{$.data["my.key"]}', first: 'dotted' },
    { path: '{$.items[0].name}', first: 'a' },
    { path: '{$.items[-1].value}', first: 3 },
    { path: '{$.items[*].value}', all: [1, 2, 3] },
    { path: '{.items[1:].name}', all: ['b', 'c'] },
    { path: '{.items[:1].name}', all: ['a'] },
    { path: '{$.data.nested.deep[2]}', first: 30 },
    { path: '{$.data.nested.*}', all: [[10, 20, 30]] },
    { path: '{..value}', all: [1, 2, 3, 99] },
    { path: '{$.items[?(@.name=="b")].value}', all: [2] },
    { path: '{$.items[?(@.value > 1)].name}', all: ['b', 'c'] },
    { path: '{$.items[?(@.extra)].name}', all: ['c'] },
    { path: '{$.items[?(@.tags[0] == "x")].name}', all: ['a'] },
    { path: '{$.empty[*]}', all: [] },
    { path: 'ok: {$.data.ok}', first: 'ok: ' },
  ])('$path', ({ path, first, all }) => {
    const compiled = compileJsonPath(path);
    if (all !== undefined) {
      const results = compiled.find(body).filter((r) => r.length > 0);
      expect(results[0] ?? []).toEqual(all);
    } else expect(compiled.first(body)).toEqual({ value: first });
  });

  it('a path that yields nothing has no first value', () => {
    expect(compileJsonPath('{$.empty[*]}').first(body)).toBeUndefined();
  });

  it.each([
    { path: '{$.data.missing}', error: 'missing is not found' },
    { path: '{$.data.ok.deeper}', error: 'deeper is not found' },
    { path: '{$.items[5]}', error: 'array index out of bounds: index 5, length 3' },
    { path: '{$.data[0]}', error: 'map[string]interface {} is not array or slice' },
  ])('$path fails as client-go does: $error', ({ path, error }) => {
    expect(() => compileJsonPath(path).first(body)).toThrow(error);
  });

  it.each([
    { path: '{$.data', error: 'unclosed action' },
    { path: '{$.items[?(@.a =~ "x")]}', error: 'unsupported' },
    { path: '{range .items[*]}', error: 'unsupported syntax' },
  ])('$path is refused when parsed', ({ path, error }) => {
    expect(() => compileJsonPath(path)).toThrow(error);
  });
});
