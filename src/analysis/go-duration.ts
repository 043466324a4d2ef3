/**
 * Go's `time.ParseDuration`, which Argo uses for every duration it reads as `DurationString` (a metric's `interval`
 * and `initialDelay`, a range query's `step`) and expr-lang's `duration("…")`: a sign, then one or more
 * `<decimal><unit>` terms (`1h30m`, `1.5s`, `300ms`), or a bare `0`. Units: ns, us/µs/μs, ms, s, m, h (no days).
 * Errors carry Go's messages, so a measurement's message reads as Argo's.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const TERM = /^(\d*(?:\.\d*)?)([^\d.]*)/;

/** Milliseconds (fractional below 1 ms), or throws Error with Go's message. */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const match = TERM.exec(rest);
    const [whole = '', number = '', unit = ''] = match ?? [];
    if (number === '' || number === '.') throw new Error(`time: invalid duration ${quoted}`);
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const factor = UNIT_MS[unit];
    if (factor === undefined)
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    total += Number(number) * factor;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}
