import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCompatTable } from './compat-table.js';

const START = '<!-- compat-table:start (generated from src/api/compat-rules.ts) -->\n';
const END = '<!-- compat-table:end -->';

function adrPath(adr: string): string {
  const file = readdirSync('docs/adr').find((name) => name.startsWith(`${adr}-`));
  return `docs/adr/${file ?? `${adr}-missing.md`}`;
}

describe('README compatibility table', () => {
  it('is the rule table (regenerate with UPDATE_README=1 npx vitest run src/api/compat-table.test.ts)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect([start >= 0, end > start]).toEqual([true, true]);
    const table = renderCompatTable(adrPath);
    if (process.env.UPDATE_README === '1') {
      writeFileSync('README.md', readme.slice(0, start + START.length) + table + readme.slice(end));
      return;
    }
    expect(readme.slice(start + START.length, end)).toBe(table);
  });

  it('links ADRs that exist and escapes table cells', () => {
    const table = renderCompatTable(adrPath);
    expect(table).not.toContain('-missing.md');
    expect(table.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(
      table.split('\n').length - 3,
    );
  });
});
