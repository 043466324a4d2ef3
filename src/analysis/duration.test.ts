import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe("parseDuration follows Go's time.ParseDuration", () => {
  it.each([
    ['0', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2h45m', 9_900_000],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['5.s', 5000],
    ['300ms', 300],
    ['1500us', 1.5],
    ['1µs', 0.001],
    ['1μs', 0.001],
    ['1000000ns', 1],
    ['-1m', -60_000],
    ['+10s', 10_000],
    ['1h0m0s', 3_600_000],
  ])('%s is %d ms', (text, milliseconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, milliseconds });
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['30', 'time: missing unit in duration "30"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['5 m', 'time: unknown unit " m" in duration "5 m"'],
    ['.s', 'time: invalid duration ".s"'],
    ['s', 'time: invalid duration "s"'],
    ['-', 'time: invalid duration "-"'],
    ['1m-5s', 'time: unknown unit "m-" in duration "1m-5s"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['{{args.interval}}', 'time: invalid duration "{{args.interval}}"'],
  ])('%j is refused: %s', (text, error) => {
    expect(parseDuration(text)).toEqual({ ok: false, error });
  });
});
