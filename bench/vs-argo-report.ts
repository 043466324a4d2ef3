/**
 * The ratio table of `npm run bench:vs-argo`: per-run figures of each controller are averaged (latencies pooled
 * over all runs before taking percentiles) and set side by side as truesplit ÷ Argo.
 */
import type { RequestTally } from './vs-argo-audit.ts';
import type { ReasonTally } from './vs-argo-events.ts';
import { percentile } from './cluster-measure.ts';

export interface RunResult {
  controller: 'truesplit' | 'argo';
  run: number;
  namespace: string;
  wallMs: number;
  completedSteps: number;
  requests: RequestTally;
  /** Event writes in the window per reason (from Event counts) */
  eventsByReason: Record<string, ReasonTally>;
  peakRssKib: number;
  cpuSeconds: number;
  /** canary ReplicaSet available → VirtualService written, per step, ms */
  latenciesMs: number[];
}

export interface Summary {
  runs: number;
  wallS: number;
  requestsPerStep: number;
  eventWritesPerStep: number;
  otherWritesPerStep: number;
  readsPerStep: number;
  peakRssMiB: number;
  cpuS: number;
  latencyP50S: number;
  latencyP99S: number;
}

/** A, B, B, A, A, B, B, A, … so a drift over the invocation weighs on both controllers alike. */
export function abbaOrder(runs: number): ('truesplit' | 'argo')[] {
  const pattern = ['truesplit', 'argo', 'argo', 'truesplit'] as const;
  return Array.from({ length: runs }, (_, i) => pattern[i % pattern.length]!);
}

/**
 * The controllers to run, in order: ABBA for both, or `runs` runs of one controller alone (`--only`), e.g. to add
 * one side's figures at a size whose other side is known. Throws naming a bad `--only` value.
 */
export function runOrder(runs: number, only?: string): ('truesplit' | 'argo')[] {
  if (only === undefined) return abbaOrder(runs);
  if (only !== 'truesplit' && only !== 'argo')
    throw new Error(`--only: "${only}" is neither truesplit nor argo`);
  return Array.from({ length: runs }, () => only);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function summarise(runs: RunResult[]): Summary {
  const perStep = (f: (r: RunResult) => number) => mean(runs.map((r) => f(r) / r.completedSteps));
  const latencies = runs.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  return {
    runs: runs.length,
    wallS: mean(runs.map((r) => r.wallMs)) / 1000,
    requestsPerStep: perStep((r) => r.requests.eventWrites + r.requests.otherWrites + r.requests.reads),
    eventWritesPerStep: perStep((r) => r.requests.eventWrites),
    otherWritesPerStep: perStep((r) => r.requests.otherWrites),
    readsPerStep: perStep((r) => r.requests.reads),
    peakRssMiB: mean(runs.map((r) => r.peakRssKib)) / 1024,
    cpuS: mean(runs.map((r) => r.cpuSeconds)),
    latencyP50S: percentile(latencies, 50) / 1000,
    latencyP99S: percentile(latencies, 99) / 1000,
  };
}

interface Row {
  measure: string;
  key: keyof Summary;
  unit: string;
  digits: number;
}

const ROWS: Row[] = [
  { measure: 'wall time, image change → all Healthy', key: 'wallS', unit: ' s', digits: 1 },
  { measure: 'API requests per completed step', key: 'requestsPerStep', unit: '', digits: 2 },
  { measure: '– Event writes per step', key: 'eventWritesPerStep', unit: '', digits: 2 },
  { measure: '– other writes per step', key: 'otherWritesPerStep', unit: '', digits: 2 },
  { measure: '– reads outside caches per step', key: 'readsPerStep', unit: '', digits: 2 },
  { measure: 'controller peak RSS (VmHWM)', key: 'peakRssMiB', unit: ' MiB', digits: 0 },
  { measure: 'controller CPU, rollout window', key: 'cpuS', unit: ' s', digits: 1 },
  { measure: 'canary RS available → VS written, p50', key: 'latencyP50S', unit: ' s', digits: 2 },
  { measure: 'canary RS available → VS written, p99', key: 'latencyP99S', unit: ' s', digits: 2 },
];

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? '—' : '∞';
  return (a / b).toFixed(2);
}

/** Markdown table: measure | truesplit | Argo | truesplit ÷ Argo. */
export function ratioTable(truesplit: Summary, argo: Summary): string {
  const lines = ['| measure | truesplit | Argo | truesplit ÷ Argo |', '|---|---|---|---|'];
  for (const row of ROWS) {
    const [t, a] = [truesplit[row.key], argo[row.key]];
    lines.push(
      `| ${row.measure} | ${t.toFixed(row.digits)}${row.unit} | ${a.toFixed(row.digits)}${row.unit} | ${ratio(t, a)} |`,
    );
  }
  return lines.join('\n');
}

/** Both controllers' summaries at one size (Rollouts per run). */
export interface SizeSummary {
  rollouts: number;
  truesplit: Summary;
  argo: Summary;
}

/**
 * The memory-slope row of the ratio table: peak-RSS growth per added Rollout between the smallest and the largest
 * size measured (undefined with fewer than two distinct sizes).
 */
export function slopeRow(sizes: SizeSummary[]): string | undefined {
  const sorted = [...sizes].sort((a, b) => a.rollouts - b.rollouts);
  const [small, large] = [sorted[0], sorted.at(-1)];
  if (!small || !large || small.rollouts === large.rollouts) return undefined;
  const slope = (kind: 'truesplit' | 'argo') =>
    (large[kind].peakRssMiB - small[kind].peakRssMiB) / (large.rollouts - small.rollouts);
  const [t, a] = [slope('truesplit'), slope('argo')];
  const measure = `memory slope (${small.rollouts} → ${large.rollouts} Rollouts)`;
  const cell = (x: number) => (Number.isFinite(x) ? `${x.toFixed(3)} MiB per Rollout` : 'not measured');
  const quotient = Number.isFinite(t) && Number.isFinite(a) ? ratio(t, a) : '—';
  return `| ${measure} | ${cell(t)} | ${cell(a)} | ${quotient} |`;
}

/** `--rollouts 200` or `--rollouts 200,1000`: positive whole numbers, distinct; throws naming the bad entry. */
export function rolloutSizes(flag: string): number[] {
  const sizes = flag.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isInteger(n) || n <= 0)
      throw new Error(`--rollouts: "${part}" is not a positive whole number (in "${flag}")`);
    return n;
  });
  if (new Set(sizes).size !== sizes.length) throw new Error(`--rollouts: "${flag}" repeats a size`);
  return sizes;
}
