/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time and the most
 * inclusive time (a function counted once per sample even when it recurses), and self time per file.
 *
 *   node hack/cpuprofile-summary.ts PROFILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Totals {
  self: Map<string, number>;
  inclusive: Map<string, number>;
  byFile: Map<string, number>;
  total: number;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|src|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function fileOf(node: ProfileNode): string {
  const url = node.callFrame.url.replace(/^file:\/\//, '');
  return url === ''
    ? `(${node.callFrame.functionName || 'native'})`
    : url.replace(/^.*\/(dist|src|node_modules)\//, '$1/');
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

export function summarise(profile: Profile): Totals {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const totals: Totals = { self: new Map(), inclusive: new Map(), byFile: new Map(), total: 0 };
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || dt <= 0) return;
    totals.total += dt;
    add(totals.self, frameName(node), dt);
    add(totals.byFile, fileOf(node), dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at) as ProfileNode);
      if (!seen.has(name)) add(totals.inclusive, name, dt);
      seen.add(name);
    }
  });
  return totals;
}

/** Percentages are of the busy time: every sample but `(idle)` (the process waiting for I/O). */
function print(title: string, map: Map<string, number>, busy: number, top: number): void {
  console.log(`\n${title} (% of busy time)`);
  const entries = [...map].filter(([name]) => !/^\(+(idle|root)\)/.test(name));
  for (const [name, ms] of entries.sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(0).padStart(9)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${name}`);
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true });
const top = Number(values.top ?? 25);
for (const file of positionals) {
  const totals = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const idle = [...totals.self].find(([name]) => name.startsWith('(idle)'))?.[1] ?? 0;
  const busy = totals.total - idle;
  console.log(`${file}: ${(totals.total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
  print('self time by function', totals.self, busy, top);
  print('inclusive time by function', totals.inclusive, busy, top);
  print('self time by file', totals.byFile, busy, top);
}
