import type { IntOrString } from './rollout.js';

/** Narrow an unknown value to a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
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
