/**
 * The compatibility corpus: every manifest of Argo Rollouts' own `examples/` and `test/e2e/` (test/fixtures/argo-rollouts,
 * copied at a pinned commit) through `truesplit lint` and `truesplit simulate`. Each file either passes — and then,
 * with a traffic router, every setWeight step gets exactly that canary weight and Argo's canary replica count
 * (unless setCanaryScale sets it) — or is warned (a field truesplit does not implement, by its path) or rejected with exit 2 and a
 * message naming the file; never a crash (exit 3). The per-file outcome is a golden file, the tally is printed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runTruesplit } from '../cli/harness.js';

const ROOT = join(import.meta.dirname, '../fixtures/argo-rollouts');
const DIRS = ['examples', 'test/e2e'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'crds' ? [] : yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

interface SimulatedStep {
  step: { setWeight?: number } | null;
  canaryWeight: number;
  replicas: { canary: number; stable: number };
}
interface SimulatedRollout {
  rollout: string;
  steps: SimulatedStep[];
}

type Outcome = 'passed' | 'warned' | 'rejected' | 'no rollout' | 'crashed';

interface FileResult {
  file: string;
  outcome: Outcome;
  reason: string;
  weightMismatches: string[];
}

/** What the check reads of a corpus document (anything else is left to truesplit's own validation). */
interface CorpusObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { replicas?: unknown; strategy?: { canary?: { trafficRouting?: unknown; steps?: unknown } } };
}

/** Argo's canary replica count for a traffic-routed canary without setCanaryScale: ceil(replicas × weight / 100). */
function argoTrafficRoutedCanary(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / 100);
}

/** Per Rollout: replicas, whether a traffic router sets the weight, whether setCanaryScale sets the canary count. */
interface CorpusSpec {
  replicas: number;
  routed: boolean;
  scaled: boolean;
}

function rolloutSpecs(file: string): Map<string, CorpusSpec> {
  const specs = new Map<string, CorpusSpec>();
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const o = doc.toJS() as CorpusObject | null;
    if (o?.kind !== 'Rollout') continue;
    const key = `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
    specs.set(key, {
      replicas: typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1,
      routed: o.spec?.strategy?.canary?.trafficRouting !== undefined,
      scaled: JSON.stringify(o.spec?.strategy?.canary?.steps ?? []).includes('"setCanaryScale"'),
    });
  }
  return specs;
}

function weightMismatches(file: string, simulated: SimulatedRollout[]): string[] {
  const specs = rolloutSpecs(file);
  const out: string[] = [];
  for (const r of simulated) {
    const spec = specs.get(r.rollout);
    for (const s of r.steps) {
      const weight = s.step?.setWeight;
      // Without a router the weight is the pods' share (Argo approximates it too): only routed weights are exact.
      if (weight === undefined || !spec?.routed) continue;
      if (s.canaryWeight !== weight)
        out.push(`${r.rollout}: setWeight ${weight} gave canary weight ${s.canaryWeight}`);
      if (!spec.scaled && s.replicas.canary !== argoTrafficRoutedCanary(spec.replicas, weight))
        out.push(`${r.rollout}: setWeight ${weight} gave ${s.replicas.canary} canary pods`);
    }
  }
  return out;
}

/** The first line of an error, without the file name, so the golden file does not depend on where the repo lives. */
function firstLine(text: string, file: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replaceAll(file, '<file>').slice(0, 160);
}

async function judge(path: string): Promise<FileResult> {
  const file = relative(process.cwd(), path);
  const lint = await runTruesplit(['lint', '-f', file]);
  const simulate = await runTruesplit(['simulate', '-f', file, '-o', 'json']);
  const base = { file: relative(ROOT, path), weightMismatches: [] as string[] };
  if (lint.code === 3 || simulate.code === 3)
    return { ...base, outcome: 'crashed', reason: firstLine(lint.stderr + simulate.stderr, file) };
  if (lint.code !== 0 || simulate.code === 2) {
    const problem = lint.code !== 0 ? lint.stdout + lint.stderr : simulate.stderr;
    if (/no Rollout/i.test(problem)) return { ...base, outcome: 'no rollout', reason: '' };
    return { ...base, outcome: 'rejected', reason: firstLine(problem, file) };
  }
  const warnings = lint.stdout.split('\n').filter((l) => /warning/i.test(l));
  const simulated = (JSON.parse(simulate.stdout) as { rollouts: SimulatedRollout[] }).rollouts;
  const mismatches = warnings.length > 0 ? [] : weightMismatches(path, simulated);
  return warnings.length > 0
    ? { ...base, outcome: 'warned', reason: firstLine(warnings.join('\n'), file) }
    : { ...base, outcome: 'passed', reason: '', weightMismatches: mismatches };
}

describe("Argo Rollouts' own manifests", () => {
  const files = DIRS.flatMap((d) => yamlFiles(join(ROOT, d)));

  it('each passes with Argo’s weights, or is warned or rejected by name — never a crash', async () => {
    const results: FileResult[] = [];
    for (const file of files) results.push(await judge(file));
    const tally = new Map<Outcome, number>();
    for (const r of results) tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
    console.log(`corpus: ${files.length} files — ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const lines = results.map(
      (r) => `${r.outcome.padEnd(10)} ${r.file}${r.reason ? `\n           ${r.reason}` : ''}`,
    );
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot('../golden/compat/argo-corpus.txt');
    expect(results.filter((r) => r.outcome === 'crashed')).toEqual([]);
    expect(results.flatMap((r) => r.weightMismatches)).toEqual([]);
  }, 600_000);
});
