/**
 * Go's `time.ParseDuration`, which Argo applies to `interval` and `initialDelay` (`DurationString.Duration()`): a
 * sequence of decimal numbers each with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), an optional sign, or a bare
 * `0`. A bare number other than 0 (`30`) is an error in Go, so it is here.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const TERM = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds, or undefined when Go would reject the text. */
export function parseDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest.length > 0) {
    const match = TERM.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    rest = rest.slice(match[0].length);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}
