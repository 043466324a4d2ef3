/**
 * `truesplit analyze` at scale: a generated mesh of ~10,000 objects (1,000 subset-level Rollouts with their Services,
 * VirtualServices and DestinationRules across 200 namespaces). Times the path model on the ready snapshot, and the
 * path the CLI takes on the same objects written as one multi-document YAML file: load + parse, `checkManifests`
 * (validation, then every Rollout's steps simulated, rendered and analysed) and the table report, as
 * `truesplit analyze -f` runs them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadManifests } from '../src/manifests/loader.js';
import { checkManifests } from '../src/manifests/check.js';
import { validateManifests } from '../src/manifests/validate.js';
import { buildAnalyzeReport } from '../src/cli/analyze-report.js';
import { renderAnalyzeTable } from '../src/cli/commands/analyze.js';
import type { Style } from '../src/cli/output.js';
import {
  analyzeGeneratedMesh,
  generateMeshSnapshot,
  meshManifests,
  type GeneratedMesh,
} from '../test/fixtures/mesh-generator.js';
import { printFigures, type Figure } from './stats.js';

const RUNS = 5;
const plain = (text: string) => text;
const PLAIN_STYLE: Style = { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };

interface CliTimings {
  load: number;
  validate: number;
  analyze: number;
  render: number;
  total: number;
  rollouts: number;
  findings: number;
}

/** What `truesplit analyze -f FILE` does before rendering its report, phase by phase. */
async function runCliPath(file: string): Promise<CliTimings> {
  const t0 = performance.now();
  const loaded = await loadManifests([file]);
  if (loaded.errors.length > 0) throw new Error(`bench manifests do not load: ${loaded.errors[0]?.message}`);
  const t1 = performance.now();
  const { errors } = validateManifests(loaded.objects);
  if (errors.length > 0) throw new Error(`bench manifests are invalid: ${JSON.stringify(errors[0])}`);
  const t2 = performance.now();
  const checked = checkManifests(loaded.objects); // validates again, then simulates and analyses
  if (!checked.analysis) throw new Error(`bench manifests are invalid: ${JSON.stringify(checked.errors[0])}`);
  const t3 = performance.now();
  const report = buildAnalyzeReport(checked.analysis);
  renderAnalyzeTable(report, PLAIN_STYLE);
  const t4 = performance.now();
  return {
    load: t1 - t0,
    validate: t2 - t1,
    analyze: t3 - t2 - (t2 - t1),
    render: t4 - t3,
    total: t4 - t0 - (t2 - t1),
    rollouts: report.rollouts.length,
    findings: report.findings.length,
  };
}

function medianMin(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return `median ${median.toFixed(0)} ms, min ${(sorted[0] ?? Number.NaN).toFixed(0)} ms`;
}

function timeModel(generated: GeneratedMesh): { samples: number[]; paths: number; findings: number } {
  analyzeGeneratedMesh(generated); // warm-up
  const samples: number[] = [];
  let counts = { paths: 0, findings: 0 };
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    counts = analyzeGeneratedMesh(generated);
    samples.push(performance.now() - t);
  }
  return { samples, ...counts };
}

/** `smoke` (CI) analyses a 50-Rollout mesh: the same code paths, no goal applies. */
export async function benchAnalyze(smoke = false): Promise<void> {
  const generated = smoke ? generateMeshSnapshot(50, 10) : generateMeshSnapshot(1000, 200);
  const model = timeModel(generated);
  const dir = await mkdtemp(join(tmpdir(), 'truesplit-bench-analyze-'));
  try {
    const manifests = meshManifests(generated);
    const text = manifests.map((o) => stringify(o)).join('---\n');
    const file = join(dir, 'mesh.yaml');
    await writeFile(file, text);
    // The CLI path simulates and analyses every step of every Rollout: one run (it takes minutes on 2 cores).
    const runs: CliTimings[] = [await runCliPath(file)];
    const last = runs[runs.length - 1];
    const figures: Figure[] = [
      { name: 'objects in the snapshot', value: String(generated.objectCount) },
      { name: 'runs', value: `model ${RUNS} (after one warm-up), CLI path 1` },
      {
        name: `model: ${generated.states.length} Rollouts analysed`,
        value: `${medianMin(model.samples)} (${model.paths} paths, ${model.findings} findings)`,
        goal: '≤ 1 s',
      },
      {
        name: 'CLI path: manifests',
        value: `${manifests.length} documents, ${(text.length / 1e6).toFixed(1)} MB YAML`,
      },
      { name: 'CLI path: load + parse YAML', value: medianMin(runs.map((r) => r.load)) },
      { name: 'CLI path: validate', value: medianMin(runs.map((r) => r.validate)) },
      { name: 'CLI path: simulate + analyse all steps', value: medianMin(runs.map((r) => r.analyze)) },
      { name: 'CLI path: report as a table', value: medianMin(runs.map((r) => r.render)) },
      {
        name: 'CLI path: total (in process, without start-up)',
        value: `${medianMin(runs.map((r) => r.total))} (${last?.rollouts} Rollouts, ${last?.findings} findings)`,
      },
    ];
    printFigures(`analyze: ${generated.objectCount}-object mesh`, figures);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
