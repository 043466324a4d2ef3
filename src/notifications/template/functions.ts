/**
 * The template functions: text/template's built-ins and the sprig helpers Argo's catalog and common user templates
 * call. Anything else is a parse-time error naming the function.
 */
import { TemplateError } from './lexer.js';
import { isTrue, marshalJson, printValue, toInteger } from './values.js';

export type TemplateFunction = (...args: unknown[]) => unknown;

function length(value: unknown): bigint {
  if (typeof value === 'string' || Array.isArray(value)) return BigInt(value.length);
  if (value && typeof value === 'object') return BigInt(Object.keys(value).length);
  throw new TemplateError(`len of ${printValue(value)}`);
}

function index(value: unknown, ...keys: unknown[]): unknown {
  let current = value;
  for (const key of keys) {
    if (Array.isArray(current)) {
      const i = Number(toInteger(key));
      if (i < 0 || i >= current.length) throw new TemplateError(`index out of range: ${i}`);
      current = current[i] as unknown;
    } else if (current && typeof current === 'object') {
      current = (current as Record<string, unknown>)[String(key)];
    } else throw new TemplateError(`can't index item of type ${printValue(current)}`);
  }
  return current;
}

function comparable(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

function compare(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  throw new TemplateError(`incompatible types for comparison: ${printValue(a)} and ${printValue(b)}`);
}

/** fmt's verbs the templates use: %s %v %d %q %f (with precision) and %%. */
export function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  return format.replace(/%(\.\d+)?([svdqftT%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[next++];
    if (next > args.length) return `%!${verb}(MISSING)`;
    switch (verb) {
      case 'd':
        return typeof arg === 'number' ? `%!d(float64=${printValue(arg)})` : toInteger(arg).toString();
      case 'q':
        return JSON.stringify(printValue(arg));
      case 'f':
        return Number(comparable(arg)).toFixed(precision ? Number(precision.slice(1)) : 6);
      case 't':
        return String(isTrue(arg));
      case 'T':
        return typeof arg;
      default:
        return printValue(arg);
    }
  });
}

/** fmt.Sprint: a space between operands when neither is a string. */
function goSprint(args: readonly unknown[]): string {
  return args
    .map((arg, i) => {
      const spaced = i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string';
      return `${spaced ? ' ' : ''}${printValue(arg)}`;
    })
    .join('');
}

function arithmetic(op: (a: bigint, b: bigint) => bigint): TemplateFunction {
  return (...args) => args.map(toInteger).reduce(op);
}

export const FUNCTIONS: Record<string, TemplateFunction> = {
  // text/template built-ins
  and: (...args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => isTrue(a)) ?? args[args.length - 1],
  not: (a) => !isTrue(a),
  len: length,
  index,
  print: (...args) => goSprint(args),
  printf: (format, ...args) => sprintf(String(format), ...args),
  println: (...args) => `${args.map(printValue).join(' ')}\n`,
  eq: (a, ...others) => others.some((b) => comparable(a) === comparable(b)),
  ne: (a, b) => comparable(a) !== comparable(b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  // sprig
  add: arithmetic((a, b) => a + b),
  add1: (a) => toInteger(a) + 1n,
  sub: arithmetic((a, b) => a - b),
  mul: arithmetic((a, b) => a * b),
  div: arithmetic((a, b) => (b === 0n ? 0n : a / b)),
  toJson: (a) => marshalJson(a),
  toString: (a: unknown) => printValue(a),
  default: (fallback, value) => (isTrue(value) ? value : fallback),
  empty: (a) => !isTrue(a),
  upper: (a) => printValue(a).toUpperCase(),
  lower: (a) => printValue(a).toLowerCase(),
  trim: (a) => printValue(a).trim(),
  quote: (...args) => args.map((a) => JSON.stringify(printValue(a))).join(' '),
  join: (separator, list) =>
    Array.isArray(list) ? list.map(printValue).join(String(separator)) : printValue(list),
  contains: (needle, haystack) => printValue(haystack).includes(printValue(needle)),
  hasPrefix: (prefix, s) => printValue(s).startsWith(printValue(prefix)),
  trunc: (n, s) => printValue(s).slice(0, Number(toInteger(n))),
};

export const SUPPORTED_FUNCTIONS = Object.keys(FUNCTIONS).sort();
