import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';

/**
 * expr-lang's runtime rules over values (vm/runtime): Go's int/float64 arithmetic, equality and ordering.
 */

export type MapValue = { [key: string]: ConditionValue };

export function isMap(value: ConditionValue): value is MapValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNumeric(value: ConditionValue): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** Go's `%T` for the value, as expr-lang's messages print it. */
export function goType(value: ConditionValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
}

/** Go's `%v`. */
export function formatGo(value: ConditionValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'number') return formatFloat(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatGo).join(' ')}]`;
  const entries = Object.keys(value).sort();
  return `map[${entries.map((k) => `${k}:${formatGo(value[k] ?? null)}`).join(' ')}]`;
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4))
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(value);
}

/** Go's int64 wrap-around. */
export function int64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

export function equal(a: ConditionValue, b: ConditionValue): boolean {
  if (isNumeric(a) && isNumeric(b)) {
    return typeof a === typeof b ? a === b : Number(a) === Number(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => equal(item, b[i] ?? null));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k]!, b[k]!))
    );
  }
  return a === b;
}

/** `<`, `>`, `<=`, `>=` on numbers (int and float mixed) or strings; anything else is an error. */
export function compare(operator: string, a: ConditionValue, b: ConditionValue): boolean {
  const bothNumbers = isNumeric(a) && isNumeric(b);
  if (!bothNumbers && !(typeof a === 'string' && typeof b === 'string')) {
    throw new ConditionError(`invalid operation: ${goType(a)} ${operator} ${goType(b)}`);
  }
  const [x, y] = bothNumbers && typeof a !== typeof b ? [Number(a), Number(b)] : [a, b];
  switch (operator) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

/** `+ - * / % ** ^` with Go's rules: int op int stays int (but `/` and `**` give float64), `%` is int only. */
export function arithmetic(operator: string, a: ConditionValue, b: ConditionValue): ConditionValue {
  if (operator === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (!isNumeric(a) || !isNumeric(b)) {
    throw new ConditionError(`invalid operation: ${goType(a)} ${operator} ${goType(b)}`);
  }
  if (operator === '/') return Number(a) / Number(b);
  if (operator === '**' || operator === '^') return Math.pow(Number(a), Number(b));
  if (typeof a === 'bigint' && typeof b === 'bigint') return intArithmetic(operator, a, b);
  if (operator === '%') throw new ConditionError(`invalid operation: ${goType(a)} % ${goType(b)}`);
  const [x, y] = [Number(a), Number(b)];
  if (operator === '+') return x + y;
  if (operator === '-') return x - y;
  return x * y;
}

function intArithmetic(operator: string, a: bigint, b: bigint): bigint {
  if (operator === '+') return int64(a + b);
  if (operator === '-') return int64(a - b);
  if (operator === '*') return int64(a * b);
  if (b === 0n) throw new ConditionError('integer divide by zero');
  return a % b;
}

export function negate(value: ConditionValue): ConditionValue {
  if (typeof value === 'bigint') return int64(-value);
  if (typeof value === 'number') return -value;
  throw new ConditionError(`invalid operation: - ${goType(value)}`);
}

/** Go's `int64(f)` for a float: truncation (NaN and out-of-range values give the minimum, as on amd64). */
export function truncateToInt(value: number): bigint {
  if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) return INT64_MIN;
  return BigInt(Math.trunc(value));
}

const INT64_MIN = -(2n ** 63n);

/** expr-lang's `len`: characters (runes) of a string, elements of an array, keys of a map. */
export function lengthOf(value: ConditionValue): bigint {
  if (typeof value === 'string') return BigInt([...value].length);
  if (Array.isArray(value)) return BigInt(value.length);
  if (isMap(value)) return BigInt(Object.keys(value).length);
  throw new ConditionError(`invalid argument for len (type ${goType(value)})`);
}
