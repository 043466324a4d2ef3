import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { goRegExp } from '../go-regexp.js';
import { arithmetic, compare, equal, goType, isMap } from './values.js';

/**
 * expr-lang's binary operators other than `and`/`or`/`??` (which short-circuit and live in the
 * evaluator): comparisons, arithmetic, `in` and the string operators, each with its `not` form.
 */
export function applyBinary(operator: string, left: ConditionValue, right: ConditionValue): ConditionValue {
  if (operator.startsWith('not ')) return !asBool(applyBinary(operator.slice(4), left, right));
  switch (operator) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(operator, left, right);
    case 'in':
      return contains(right, left);
    case 'contains':
      return strings(operator, left, right, (a, b) => a.includes(b));
    case 'startsWith':
      return strings(operator, left, right, (a, b) => a.startsWith(b));
    case 'endsWith':
      return strings(operator, left, right, (a, b) => a.endsWith(b));
    case 'matches':
      return strings(operator, left, right, (a, b) => compileOrFail(b).test(a));
    default:
      return arithmetic(operator, left, right);
  }
}

function asBool(value: ConditionValue): boolean {
  return value === true;
}

/** `x in array` compares with `==`; `key in map` looks the key up; `x in nil` is false. */
function contains(haystack: ConditionValue, needle: ConditionValue): boolean {
  if (haystack === null) return false;
  if (Array.isArray(haystack)) return haystack.some((item) => equal(item, needle));
  if (isMap(haystack)) {
    if (typeof needle !== 'string') {
      throw new ConditionError(`cannot use ${goType(needle)} as a key of ${goType(haystack)}`);
    }
    return Object.hasOwn(haystack, needle);
  }
  throw new ConditionError(`operator "in" not defined on ${goType(haystack)}`);
}

function strings(
  operator: string,
  left: ConditionValue,
  right: ConditionValue,
  test: (a: string, b: string) => boolean,
): boolean {
  if (typeof left !== 'string' || typeof right !== 'string') {
    throw new ConditionError(
      `invalid operation: ${operator} (mismatched types ${goType(left)} and ${goType(right)})`,
    );
  }
  return test(left, right);
}

function compileOrFail(pattern: string): RegExp {
  const compiled = goRegExp(pattern);
  if (!compiled.ok) throw new ConditionError(compiled.error);
  return compiled.regExp;
}
