import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './evaluate.js';
import { parseCondition } from './parse.js';

describe('evaluateCondition: grammar beyond the conformance table', () => {
  it.each([
    ['result  not   in [1, 2]', 3, true],
    ['result not in [1, 2]', 1, false],
    ['result in {"a": 1, b: 2}', 'b', true],
    ['{}', null, 'error'],
    ['result == `raw\\n`', 'raw\\n', true],
    ['all(result, .ok)', [{ ok: true }, { ok: true }], true],
    ['any(result, #index == 1 && # == 5)', [4, 5], true],
    ['# > 1', 2, 'error'],
    ['result.constructor == 1', { constructor: 1 }, true],
    ['int("12") + 1 == 13 && float("1.5") == 1.5 && string(2) == "2"', null, true],
    ['upper(result) == "OK" && lower("A") == "a" && trim("  a ") == "a"', 'ok', true],
    ['type(result) == "float" && type(1) == "int"', 1.5, true],
    ['first(result) == 1 && last(result) == 3 && mean(result) == 2 && median(result) == 2', [1, 2, 3], true],
    ['result ** 0.5 == 3', 9, true],
    ['result ^ 2 == 9', 3, true],
    ['result > 1 ? "yes" : "no"', 2, 'error'],
    ['result ? true : false', 1, 'error'],
    ['result matches "(?i)^ok$"', 'OK', true],
    ['result matches "(?=a)"', 'a', 'error'],
    ['1 % 0 == 0', null, 'error'],
    ['len(result) == 2 && len("a€") == 2', 'a€', true],
    ['count(result) == 1', [true, false], true],
    ['isNil(result) || result[0] > 1', null, 'error'],
    ['result[0] == "x"', [1, 2], 'error'],
    ['result[0] == "x"', [1, 'a'], false],
    ['1 in result', null, 'error'],
    ['isNaN("x")', null, 'error'],
    ['isNil(result.a)', null, 'error'],
    ['default(result.x, 5) == 5', null, 'error'],
    ['default(nil, 5) == 5', null, true],
    ['result.a; result.b', { a: true }, 'error'],
    ['max(1, 2.5, 2) == 2.5 && min(3, 1) == 1', null, true],
  ] as const)('%s with %j', (condition, result, expected) => {
    const outcome = evaluateCondition(condition, result);
    if (expected === 'error') expect(outcome.ok).toBe(false);
    else expect(outcome).toEqual({ ok: true, value: expected });
  });

  it('refuses a result that is not plain data', () => {
    expect(evaluateCondition('result == nil', new Date(0)).ok).toBe(false);
    expect(evaluateCondition('result == nil', () => 1).ok).toBe(false);
  });

  it('parses expr-lang precedence: not binds tighter than ==, ** tighter than unary minus', () => {
    const parsed = parseCondition('-2 ** 2');
    expect(parsed.ok && parsed.ast.kind).toBe('unary');
    const negation = parseCondition('not a == b');
    expect(negation.ok && negation.ast.kind).toBe('binary');
  });

  it('never throws, whatever the text and the result', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.jsonValue(), (text, result) => {
        const outcome = evaluateCondition(text, result);
        return typeof outcome.ok === 'boolean';
      }),
      { numRuns: 2000 },
    );
    const deep = '('.repeat(5000) + '1' + ')'.repeat(5000);
    expect(evaluateCondition(deep, null).ok).toBe(false);
  });
});
