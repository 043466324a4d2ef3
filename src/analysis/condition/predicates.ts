import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { arithmetic, goType, isNumeric } from './values.js';

/**
 * expr-lang's built-ins that take a predicate (`all(result, # > 0)`, `all(result, {# > 0})`): the
 * predicate is evaluated once per element with `#` the element and `#index` its index.
 */
export type RunPredicate = (item: ConditionValue, index: number) => ConditionValue;

interface PredicateBuiltin {
  /** Whether the predicate may be left out (`count(result)` counts the true elements, `sum(result)` adds them). */
  optionalPredicate?: boolean;
  call(items: ConditionValue[], run: RunPredicate, name: string): ConditionValue;
}

export const PREDICATE_BUILTINS: Readonly<Record<string, PredicateBuiltin>> = {
  all: { call: (items, run, name) => items.every((item, i) => test(run(item, i), name)) },
  any: { call: (items, run, name) => items.some((item, i) => test(run(item, i), name)) },
  none: { call: (items, run, name) => !items.some((item, i) => test(run(item, i), name)) },
  one: { call: (items, run, name) => items.filter((item, i) => test(run(item, i), name)).length === 1 },
  filter: { call: (items, run, name) => items.filter((item, i) => test(run(item, i), name)) },
  map: { call: (items, run) => items.map((item, i) => run(item, i)) },
  count: {
    optionalPredicate: true,
    call: (items, run, name) => BigInt(items.filter((item, i) => test(run(item, i), name)).length),
  },
  find: { call: (items, run, name) => items.find((item, i) => test(run(item, i), name)) ?? null },
  findIndex: { call: (items, run, name) => BigInt(items.findIndex((item, i) => test(run(item, i), name))) },
  findLast: { call: (items, run, name) => items.findLast((item, i) => test(run(item, i), name)) ?? null },
  findLastIndex: {
    call: (items, run, name) => BigInt(items.findLastIndex((item, i) => test(run(item, i), name))),
  },
  sum: { optionalPredicate: true, call: (items, run) => sum(items.map((item, i) => run(item, i))) },
};

/** The collection a predicate built-in iterates: an array (a nil or a number is an error, as in expr-lang). */
export function collection(value: ConditionValue, name: string): ConditionValue[] {
  if (Array.isArray(value)) return value;
  throw new ConditionError(`builtin ${name} takes only array (got ${goType(value)})`);
}

function test(value: ConditionValue, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConditionError(`predicate of ${name} should return boolean (got ${goType(value)})`);
}

/** Sum of ints is an int, of anything with a float a float64; the empty sum is int 0. */
function sum(items: ConditionValue[]): ConditionValue {
  let total: ConditionValue = 0n;
  for (const item of items) {
    if (!isNumeric(item)) throw new ConditionError(`invalid operation: sum of ${goType(item)}`);
    total = arithmetic('+', total, item);
  }
  return total;
}
