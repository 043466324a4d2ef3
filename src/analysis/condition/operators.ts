import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
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
      return strings(operator, left, right, (a, b) => goRegExp(b).test(a));
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

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 256;
const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]|\\k</;
const LEADING_FLAGS = /^\(\?([imsU]+)\)/;

/**
 * A Go (RE2) pattern as a JavaScript RegExp. Constructs RE2 refuses — look-around, back-references —
 * are refused here too rather than given JavaScript's meaning; leading `(?i)`-style flags are honoured.
 */
export function goRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const unsupported = UNSUPPORTED.exec(pattern);
  if (unsupported) {
    throw new ConditionError(
      `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``,
    );
  }
  const flags = LEADING_FLAGS.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  const jsFlags = (flags?.[1] ?? '').replace(/U/g, '');
  let regExp: RegExp;
  try {
    regExp = new RegExp(body, jsFlags);
  } catch (error) {
    throw new ConditionError(`error parsing regexp: ${(error as Error).message}`);
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, regExp);
  return regExp;
}
