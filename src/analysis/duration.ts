/**
 * Go's `time.ParseDuration`, which Argo Rollouts applies to a metric's `interval` and `initialDelay`
 * (DurationString.Duration): a sequence of decimal numbers, each with an optional fraction and a unit
 * — `300ms`, `1.5h`, `2h45m`, `-1m` — units `ns`, `us` (or `µs`, `μs`), `ms`, `s`, `m`, `h`. A bare
 * number is refused (`30` has no unit) except `0`. Messages are Go's.
 */
export type ParsedDuration = { ok: true; milliseconds: number } | { ok: false; error: string };

const UNIT_MILLISECONDS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's maximum duration, (2^63 - 1) ns, in milliseconds. */
const MAX_MILLISECONDS = 9_223_372_036_854.775;
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

export function parseDuration(text: string): ParsedDuration {
  const quoted = JSON.stringify(text);
  const invalid: ParsedDuration = { ok: false, error: `time: invalid duration ${quoted}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, milliseconds: 0 };
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    const [whole = '', integer = '', fraction, unit = ''] = match ?? [];
    if (integer === '' && (fraction === undefined || fraction === '')) return invalid;
    if (unit === '') return { ok: false, error: `time: missing unit in duration ${quoted}` };
    const scale = UNIT_MILLISECONDS[unit];
    if (scale === undefined) {
      return { ok: false, error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    }
    total += Number(`${integer || '0'}.${fraction ?? ''}0`) * scale;
    if (total > MAX_MILLISECONDS) return invalid;
    rest = rest.slice(whole.length);
  }
  return { ok: true, milliseconds: negative && total !== 0 ? -total : total };
}

/** Milliseconds, or undefined when Go would reject the text. */
export function durationMilliseconds(text: string): number | undefined {
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.milliseconds : undefined;
}

/** Milliseconds; throws an Error with Go's message when Go would reject the text (providers' call sites). */
export function parseGoDuration(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.milliseconds;
}
