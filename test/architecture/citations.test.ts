/**
 * Every ADR the code or the docs cite exists, every ADR is listed in docs/adr/README.md, and every spec section a
 * comment cites (`§3.1`, `traffic-paths.md §4`, `§5.17` = item 17 of §5) exists in docs/spec/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src', 'test', 'e2e', 'bench', 'hack', 'docs', 'README.md', 'CONTRIBUTING.md'];

function files(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(path, e.name))
        : /\.(ts|md|sh|js)$/.test(e.name)
          ? [join(path, e.name)]
          : [],
    );
  } catch {
    return /\.(md|ts)$/.test(path) ? [path] : [];
  }
}

const ADR_DIR = 'docs/adr';
const adrFiles = readdirSync(ADR_DIR).filter((f) => /^\d{4}-.*\.md$/.test(f));
const adrNumbers = new Set(adrFiles.map((f) => Number(f.slice(0, 4))));
const sources = ROOTS.flatMap(files).filter(
  (f) => !f.startsWith('docs/spec/') && !f.startsWith('test/architecture/'),
);

/** Section numbers of a spec file: headings (`## 3.`, `### 3.1`) and numbered items under a heading (`17.` in §5). */
function sections(file: string): Set<string> {
  const found = new Set<string>();
  let current = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const heading = /^#{2,4} (\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (heading?.[1]) {
      current = heading[1];
      found.add(current);
      continue;
    }
    const item = /^(\d+)\.\s/.exec(line);
    if (item && current && !current.includes('.')) found.add(`${current}.${item[1]}`);
  }
  return found;
}

const CANARY = sections('docs/spec/argo-rollouts-canary.md');
const PATHS = sections('docs/spec/traffic-paths.md');

/** Which spec a bare `§` cites, by where the citation is (docs/spec/README.md). */
function specFor(file: string, line: string): Set<string> {
  if (line.includes('traffic-paths.md') || /^(src|test)\/mesh\//.test(file)) return PATHS;
  return CANARY;
}

describe('citations', () => {
  it('every cited ADR exists', () => {
    const missing = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/ADR[ -](\d{1,4})\b/g)]
        .filter((m) => !adrNumbers.has(Number(m[1])))
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(missing).toEqual([]);
  });

  it('every ADR is listed in docs/adr/README.md', () => {
    const index = readFileSync(join(ADR_DIR, 'README.md'), 'utf8');
    expect(adrFiles.filter((f) => !index.includes(`(${f})`))).toEqual([]);
  });

  it('every cited spec section exists in docs/spec/', () => {
    const missing = sources.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) =>
          [...line.matchAll(/§(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?/g)].flatMap((m) =>
            [m[1], m[2]?.includes('.') ? m[2] : m[2] && `${m[1]!.split('.')[0]}.${m[2]}`]
              .filter((s): s is string => typeof s === 'string' && s !== '')
              .filter((s) => !specFor(file, line).has(s))
              .map((s) => `${file}: §${s}`),
          ),
        ),
    );
    expect(missing).toEqual([]);
  });
});
