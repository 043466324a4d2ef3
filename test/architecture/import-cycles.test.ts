/** No import cycles in src/, between files or between folders (the same check as ../shared/tools/import-cycles.py). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileCycles, folderCycles, folderOf, importGraph } from './import-graph.js';

const SRC = 'src';

/**
 * Known folder cycles, each to be removed by the change named beside it. api/validate-manifests.ts (manifest-set
 * validation, which calls the Istio router's checks) moves to src/manifests/ with the file loader.
 */
const KNOWN_FOLDER_CYCLES: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the import-cycle check', () => {
  it.each([
    {
      name: 'two files importing each other',
      files: { 'a/x.ts': "import { y } from './y.js';", 'a/y.ts': "import type { x } from './x.js';" },
      fileCycleCount: 1,
      folders: [],
    },
    {
      name: 'a three-file ring through a dynamic import',
      files: {
        'a/x.ts': "import { y } from './y.js';",
        'a/y.ts': "export { z } from './z.js';",
        'a/z.ts': "await import('./x.js');",
      },
      fileCycleCount: 1,
      folders: [],
    },
    {
      name: 'two folders importing each other without a file cycle',
      files: {
        'a/x.ts': "import { y } from '../b/y.js';",
        'b/y.ts': "import { z } from '../a/z.js';",
        'a/z.ts': '',
      },
      fileCycleCount: 0,
      folders: ['a <-> b'],
    },
    {
      name: 'a layered tree',
      files: { 'a/x.ts': "import { y } from '../b/y.js';", 'b/y.ts': '' },
      fileCycleCount: 0,
      folders: [],
    },
  ])('finds $name', ({ files, fileCycleCount, folders }) => {
    const root = tree(files);
    const graph = importGraph(root);
    expect(fileCycles(graph)).toHaveLength(fileCycleCount);
    expect(folderCycles(root, graph)).toEqual(folders);
  });
});

describe('src/', () => {
  const graph = importGraph(SRC);

  it('has no import cycle between files', () => {
    expect(fileCycles(graph)).toEqual([]);
  });

  it('has no import cycle between folders beyond the known ones', () => {
    expect(folderCycles(SRC, graph)).toEqual(KNOWN_FOLDER_CYCLES);
  });

  it('dashboard/ never imports sandbox/ (the sandbox composes the dashboard, not the reverse)', () => {
    const offending = [...graph].filter(
      ([file, targets]) =>
        folderOf(SRC, file) === 'dashboard' && [...targets].some((t) => folderOf(SRC, t) === 'sandbox'),
    );
    expect(offending.map(([file]) => file)).toEqual([]);
  });
});
