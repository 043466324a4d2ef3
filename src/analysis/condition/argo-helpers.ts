import type { ConditionValue } from './ast.js';
import { ConditionError } from './ast.js';
import { formatGo, goType, truncateToInt } from './values.js';

/**
 * The functions Argo Rollouts puts in a condition's environment beside `result`
 * (utils/evaluate/evaluate.go): `asInt`, `asFloat`, `isNaN`, `isInf`, `isNil`, `default`.
 * `isNil` and `default` look at `result` whatever their first argument is, exactly as Argo's do.
 */
export interface HelperCall {
  args: ConditionValue[];
  result: ConditionValue;
}

interface Helper {
  arity: number;
  call(call: HelperCall): ConditionValue;
}

const GO_INT = /^[+-]?\d+$/;
const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

export const ARGO_HELPERS: Readonly<Record<string, Helper>> = {
  asInt: { arity: 1, call: ({ args: [value = null] }) => asInt(value) },
  asFloat: { arity: 1, call: ({ args: [value = null] }) => asFloat(value) },
  isNaN: { arity: 1, call: ({ args: [value = null] }) => Number.isNaN(floatArgument(value, 'isNaN')) },
  isInf: {
    arity: 1,
    call: ({ args: [value = null] }) => {
      const float = floatArgument(value, 'isInf');
      return float === Infinity || float === -Infinity;
    },
  },
  isNil: { arity: 1, call: ({ result }) => result === null },
  default: {
    arity: 2,
    call: ({ args: [, fallback = null], result }) => (result === null ? fallback : result),
  },
};

function asInt(value: ConditionValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return truncateToInt(value);
  if (typeof value === 'string') {
    if (!GO_INT.test(value))
      throw new ConditionError(`strconv.ParseInt: parsing ${quote(value)}: invalid syntax`);
    const parsed = BigInt(value);
    if (parsed !== BigInt.asIntN(64, parsed)) {
      throw new ConditionError(`strconv.ParseInt: parsing ${quote(value)}: value out of range`);
    }
    return parsed;
  }
  throw new ConditionError(`asInt() not supported on ${goType(value)} ${formatGo(value)}`);
}

function asFloat(value: ConditionValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (!GO_FLOAT.test(value))
      throw new ConditionError(`strconv.ParseFloat: parsing ${quote(value)}: invalid syntax`);
    const lower = value.toLowerCase().replace(/^\+/, '');
    if (lower === 'nan') return NaN;
    if (/^-?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
    return Number(value);
  }
  throw new ConditionError(`asFloat() not supported on ${goType(value)} ${formatGo(value)}`);
}

/** `isNaN` and `isInf` are Go functions of a float64: an int is converted, anything else refused. */
function floatArgument(value: ConditionValue, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const type = value === null ? 'nil' : goType(value);
  throw new ConditionError(`cannot use ${type} as argument (type float64) to call ${name}`);
}

/** Go's `%q`. */
function quote(text: string): string {
  return JSON.stringify(text);
}
