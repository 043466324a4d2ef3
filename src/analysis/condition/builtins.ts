import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { compare, formatGo, goType, isMap, isNumeric, lengthOf, truncateToInt } from './values.js';

/**
 * expr-lang's built-in functions that take plain values (builtin/builtin.go), those a condition over a
 * metric result can use. Predicate built-ins (`all`, `filter`, …) are in predicates.ts. Any name not in
 * this table or the others is an unknown name: nothing else can be called.
 */
interface Builtin {
  min: number;
  max: number;
  call(args: ConditionValue[]): ConditionValue;
}

type Args = ConditionValue[];
const arg = (args: Args, i: number): ConditionValue => args[i] ?? null;

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  len: { min: 1, max: 1, call: (a) => lengthOf(arg(a, 0)) },
  type: { min: 1, max: 1, call: (a) => typeName(arg(a, 0)) },
  abs: { min: 1, max: 1, call: (a) => abs(arg(a, 0)) },
  ceil: { min: 1, max: 1, call: (a) => Math.ceil(float(arg(a, 0), 'ceil')) },
  floor: { min: 1, max: 1, call: (a) => Math.floor(float(arg(a, 0), 'floor')) },
  round: { min: 1, max: 1, call: (a) => roundHalfAway(float(arg(a, 0), 'round')) },
  int: { min: 1, max: 1, call: (a) => toInt(arg(a, 0)) },
  float: { min: 1, max: 1, call: (a) => toFloat(arg(a, 0)) },
  string: { min: 1, max: 1, call: (a) => formatGo(arg(a, 0)) },
  upper: { min: 1, max: 1, call: (a) => text(arg(a, 0), 'upper').toUpperCase() },
  lower: { min: 1, max: 1, call: (a) => text(arg(a, 0), 'lower').toLowerCase() },
  trim: { min: 1, max: 2, call: (a) => trim(text(arg(a, 0), 'trim'), a[1]) },
  split: { min: 2, max: 2, call: (a) => text(arg(a, 0), 'split').split(text(arg(a, 1), 'split')) },
  join: { min: 1, max: 2, call: (a) => join(arg(a, 0), a[1]) },
  hasPrefix: {
    min: 2,
    max: 2,
    call: (a) => text(arg(a, 0), 'hasPrefix').startsWith(text(arg(a, 1), 'hasPrefix')),
  },
  hasSuffix: {
    min: 2,
    max: 2,
    call: (a) => text(arg(a, 0), 'hasSuffix').endsWith(text(arg(a, 1), 'hasSuffix')),
  },
  indexOf: {
    min: 2,
    max: 2,
    call: (a) => BigInt(text(arg(a, 0), 'indexOf').indexOf(text(arg(a, 1), 'indexOf'))),
  },
  max: { min: 1, max: Infinity, call: (a) => extreme(a, 'max', '>') },
  min: { min: 1, max: Infinity, call: (a) => extreme(a, 'min', '<') },
  mean: { min: 1, max: Infinity, call: (a) => mean(numbers(a, 'mean')) },
  median: { min: 1, max: Infinity, call: (a) => median(numbers(a, 'median')) },
  first: { min: 1, max: 1, call: (a) => list(arg(a, 0), 'first')[0] ?? null },
  last: { min: 1, max: 1, call: (a) => list(arg(a, 0), 'last').at(-1) ?? null },
  reverse: { min: 1, max: 1, call: (a) => [...list(arg(a, 0), 'reverse')].reverse() },
  take: { min: 2, max: 2, call: (a) => list(arg(a, 0), 'take').slice(0, Number(toInt(arg(a, 1)))) },
  keys: { min: 1, max: 1, call: (a) => Object.keys(map(arg(a, 0), 'keys')).sort() },
  values: { min: 1, max: 1, call: (a) => sortedValues(map(arg(a, 0), 'values')) },
};

function typeName(value: ConditionValue): string {
  if (value === null) return 'nil';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'object') return Array.isArray(value) ? 'array' : 'map';
  return typeof value;
}

function abs(value: ConditionValue): ConditionValue {
  if (typeof value === 'bigint') return value < 0n ? -value : value;
  return Math.abs(float(value, 'abs'));
}

function float(value: ConditionValue, name: string): number {
  if (isNumeric(value)) return Number(value);
  throw new ConditionError(`invalid argument for ${name} (type ${goType(value)})`);
}

/** Go's math.Round: half away from zero. */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

function toInt(value: ConditionValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return truncateToInt(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new ConditionError(`invalid operation: int(${goType(value)})`);
}

function toFloat(value: ConditionValue): number {
  if (isNumeric(value)) return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new ConditionError(`invalid operation: float(${goType(value)})`);
}

function text(value: ConditionValue, name: string): string {
  if (typeof value === 'string') return value;
  throw new ConditionError(`invalid argument for ${name} (type ${goType(value)})`);
}

function trim(value: string, cutset: ConditionValue | undefined): string {
  if (cutset === undefined) return value.trim();
  const chars = new Set(text(cutset, 'trim'));
  let [start, end] = [0, value.length];
  while (start < end && chars.has(value[start]!)) start += 1;
  while (end > start && chars.has(value[end - 1]!)) end -= 1;
  return value.slice(start, end);
}

function join(value: ConditionValue, separator: ConditionValue | undefined): string {
  const sep = separator === undefined ? '' : text(separator, 'join');
  return list(value, 'join')
    .map((item) => text(item, 'join'))
    .join(sep);
}

function list(value: ConditionValue, name: string): ConditionValue[] {
  if (Array.isArray(value)) return value;
  throw new ConditionError(`invalid argument for ${name} (type ${goType(value)})`);
}

function map(value: ConditionValue, name: string): Record<string, ConditionValue> {
  if (isMap(value)) return value;
  throw new ConditionError(`invalid argument for ${name} (type ${goType(value)})`);
}

function sortedValues(value: Record<string, ConditionValue>): ConditionValue[] {
  return Object.keys(value)
    .sort()
    .map((key) => value[key] ?? null);
}

/** `max(1, 2)` or `max([1, 2])`: the arguments, or the single array argument, flattened one level. */
function numbers(args: Args, name: string): (number | bigint)[] {
  const items = args.flatMap((a) => (Array.isArray(a) ? a : [a]));
  if (items.length === 0) throw new ConditionError(`not enough arguments to call ${name}`);
  return items.map((item) => {
    if (!isNumeric(item)) throw new ConditionError(`invalid argument for ${name} (type ${goType(item)})`);
    return item;
  });
}

function extreme(args: Args, name: string, operator: '<' | '>'): ConditionValue {
  const items = numbers(args, name);
  return items.reduce((best, item) => (compare(operator, item, best) ? item : best));
}

function mean(items: (number | bigint)[]): number {
  return items.reduce<number>((sum, item) => sum + Number(item), 0) / items.length;
}

function median(items: (number | bigint)[]): number {
  const sorted = items.map(Number).sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
