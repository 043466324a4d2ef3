/**
 * The relative-import graph of a source tree and its cycles: between files (strongly connected components, type-only
 * imports included, since they tangle the layers too) and between top-level folders (A imports B and B imports A).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export type ImportGraph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [normalize(path)] : [];
  });
}

function resolve(files: Set<string>, from: string, spec: string): string | undefined {
  const base = normalize(join(dirname(from), spec));
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((candidate) => files.has(candidate));
}

export function importGraph(root: string): ImportGraph {
  const files = new Set(sourceFiles(root));
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].flatMap((m) => {
      const target = resolve(files, file, m[1] ?? m[2] ?? '');
      return target ? [target] : [];
    });
    graph.set(file, new Set(targets));
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), each sorted. */
export function fileCycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The top-level folder of a file under `root` (`.` for files directly in it). */
export function folderOf(root: string, file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? parts[0]! : '.';
}

/** Folder pairs `a <-> b` (a < b) where each imports the other. */
export function folderCycles(root: string, graph: ImportGraph): string[] {
  const edges = new Set<string>();
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const [a, b] = [folderOf(root, file), folderOf(root, target)];
      if (a !== b) edges.add(`${a}>${b}`);
    }
  }
  const pairs = [...edges].flatMap((edge) => {
    const [a = '', b = ''] = edge.split('>');
    return a < b && edges.has(`${b}>${a}`) ? [`${a} <-> ${b}`] : [];
  });
  return pairs.sort();
}
