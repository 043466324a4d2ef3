import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateCondition } from './evaluate.js';

interface ConformanceCase {
  source: string;
  condition: string;
  result: unknown;
  expected: boolean | 'error';
  error?: string;
}

const CASES = parse(
  readFileSync(new URL('./conformance-cases.yaml', import.meta.url), 'utf8'),
) as ConformanceCase[];

describe('conditions give the outcome expr-lang gives (Argo Rollouts conformance)', () => {
  it('has at least 60 conditions, each with its source', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    for (const row of CASES) expect(row.source, row.condition).toMatch(/\S/);
  });

  it.each(
    CASES.map((row) => [`${row.condition} | result=${show(row.result)} (${row.source})`, row] as const),
  )('%s', (_name, row) => {
    const outcome = evaluateCondition(row.condition, row.result);
    if (row.expected === 'error') {
      expect(outcome.ok, JSON.stringify(outcome)).toBe(false);
      if (!outcome.ok && row.error !== undefined) expect(outcome.error).toContain(row.error);
    } else {
      expect(outcome).toEqual({ ok: true, value: row.expected });
    }
  });
});

function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? 'undefined';
}
