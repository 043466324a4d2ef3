import { stringify } from 'yaml';
import type { CliIo } from './command.js';

/** `1 Rollout`, `2 Rollouts`: a count with its noun, plural unless the count is one. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export type OutputFormat = 'json' | 'yaml' | 'table';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

/** Colour only for people: stdout is a terminal and NO_COLOR (https://no-color.org) is unset or empty. */
export function colorEnabled(io: CliIo): boolean {
  return io.isTTY && !io.env.NO_COLOR;
}

export interface Style {
  bold: (text: string) => string;
  dim: (text: string) => string;
  red: (text: string) => string;
  yellow: (text: string) => string;
  green: (text: string) => string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const COLORS: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
};
const identity = (text: string): string => text;
const PLAIN: Style = { bold: identity, dim: identity, red: identity, yellow: identity, green: identity };

export function styleFor(io: CliIo): Style {
  return colorEnabled(io) ? COLORS : PLAIN;
}

/** Machine formats: stable key order as built, trailing newline. */
export function serialize(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data, { lineWidth: 0 });
}

export interface TableOptions {
  /** Applied to the header row after padding, so ANSI codes never break alignment. */
  styleHeader?: (text: string) => string;
}

/** Columns aligned on the widest cell, separated by three spaces (kubectl's layout), no trailing spaces. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('   ')
      .trimEnd();
  const header = line(headers);
  return [options.styleHeader ? options.styleHeader(header) : header, ...rows.map(line)].join('\n') + '\n';
}
