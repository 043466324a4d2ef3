import type { IntOrString } from './rollout.js';

/** Rules report problems through this callback; the caller adds the object and the source location. */
export type ReportProblem = (field: string, message: string) => void;

/** Narrow an unknown value to a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Kubernetes and Argo Rollouts store counts, seconds and weights as int32. */
export const INT32_MAX = 2147483647;

/** `a string ("10")`, `a list`, `null`: a value's type as people read it in an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a map';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  return typeof value;
}

/**
 * Why `value` is not an integer in `[min, max]` (default: a non-negative int32), or undefined: a wrong type says
 * "must be an integer", an integer out of range names the range.
 */
export function integerProblem(value: unknown, min = 0, max = INT32_MAX): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return `must be an integer (found ${describeValue(value)})`;
  }
  return value >= min && value <= max ? undefined : `must be between ${min} and ${max}`;
}

/** Why `value` is not a string (undefined when it is one, or absent). */
export function optionalStringProblem(value: unknown): string | undefined {
  return value === undefined || typeof value === 'string'
    ? undefined
    : `must be a string (found ${describeValue(value)})`;
}

/** Seconds per unit of Go's `time.ParseDuration`, the syntax Argo Rollouts accepts for pause durations. */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < body.length) {
    const match = DURATION_PART.exec(body);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/**
 * A pause duration in whole seconds, as Argo Rollouts reads it: an integer is seconds; a string is first tried as an
 * integer ("30"), then as a Go duration ("30s", "5m", "1h30m", "1.5h"), truncated toward zero. `undefined` when the
 * value cannot be parsed. Negative results are returned as-is: validation rejects them.
 */
export function parseDuration(value: IntOrString): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const text = value.trim();
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  const seconds = parseGoDuration(text);
  return seconds === undefined ? undefined : Math.trunc(seconds);
}

export type ParsedIntOrPercent = { kind: 'int'; value: number } | { kind: 'percent'; value: number };

/**
 * `maxSurge` / `maxUnavailable`: an integer, or a string percentage. Like Kubernetes' legacy intstr parsing, every
 * string is a percentage, with or without the `%` ("25" is 25 %, which is also Argo's default constant).
 */
export function parseIntOrPercent(value: IntOrString): ParsedIntOrPercent | undefined {
  if (typeof value === 'number') return isNonNegativeInteger(value) ? { kind: 'int', value } : undefined;
  const match = /^(\d+)%?$/.exec(value.trim());
  return match ? { kind: 'percent', value: Number(match[1]) } : undefined;
}

/** Resolve an int-or-percent against `total`; percentages round up (surge) or down (unavailable). */
export function resolveIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number | undefined {
  const parsed = parseIntOrPercent(value);
  if (!parsed) return undefined;
  if (parsed.kind === 'int') return parsed.value;
  const exact = (total * parsed.value) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
