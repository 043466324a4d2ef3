/**
 * The AnalysisRun controller at scale: the real controller process (ControllerManager: the shared AnalysisRun
 * informer, the AnalysisRun controller and its worker pool, the real `web` provider and condition evaluator) over the
 * in-memory cluster, measuring against a local HTTP endpoint in a process of its own (analysis-endpoint.ts). N runs ×
 * 3 metrics, each `interval: 1s` with no count, measure for a fixed time. Figures (never asserted):
 * - measurements per second sustained (requests the endpoint got in the steady window);
 * - lateness of each measurement against its schedule (due `interval` after the previous measurement finished), from
 *   above: the gap between consecutive requests of a metric minus the interval (latenessOf);
 * - RSS added: before any run exists vs the steady state (the in-memory API server's store is in the same process);
 * - CPU of the controller process (API server included) and of the endpoint, and the machine's load.
 * The scenario runs in its own node process (spawned below) so its RSS is its own.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AnalysisRun, Metric } from '../src/api/analysis.js';
import { ControllerManager } from '../src/controller/manager.js';
import { MemoryCluster } from '../src/kube/memory-cluster.js';
import { startEndpointProcess } from './analysis-endpoint.js';
import { runScenarioChild } from './child.js';
import { percentile, printFigures, type Figure } from './stats.js';

export interface AnalysisScenario {
  runs: number;
  namespaces: number;
  /** How long the runs measure, first creation to stop. */
  durationMs: number;
  /** Measured from here on (the creation burst and the status growing to its retention are warm-up). */
  warmupMs: number;
}

export interface AnalysisResult {
  runs: number;
  metricsPerRun: number;
  workers: number;
  createMs: number;
  steadySeconds: number;
  measurements: number;
  /** Steady-window lateness (ms): percentiles, maximum and how many requests were matched with a due time. */
  lateness: { p50: number; p99: number; max: number; matched: number };
  /** Requests with no previous request of their metric in the window (the first of each). */
  unscheduled: number;
  /** Runs no longer Running at the end (a measurement that failed or errored ends it). */
  notRunning: number;
  baselineRssMb: number;
  steadyRssMb: number[];
  /** At the end of the window, after a full GC: what the process holds, garbage aside. */
  rssAfterGcMb: number;
  heapUsedAfterGcMb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** CPU of the endpoint process in the steady window. */
  endpointCpuMs: number;
  /** The machine's 1-minute load average at the end (other work competes for the same cores). */
  loadAverage: number;
}

const METRICS: { name: string; successCondition: string }[] = [
  { name: 'error-rate', successCondition: 'result < 0.05' },
  { name: 'latency', successCondition: 'result <= 250' },
  { name: 'saturation', successCondition: 'result >= 0 && result < 0.9' },
];
const WORKERS = 30;
const INTERVAL_MS = 1000;
const MB = 1024 * 1024;

const silent = { info: () => {}, warn: () => {}, error: () => {} };

function runObject(i: number, namespaces: number, base: string): AnalysisRun {
  const namespace = `ns-${i % namespaces}`;
  const name = `run-${i}`;
  const metrics: Metric[] = METRICS.map((m) => ({
    name: m.name,
    interval: `${INTERVAL_MS / 1000}s`,
    successCondition: m.successCondition,
    provider: { web: { url: `${base}/${namespace}/${name}/${m.name}`, jsonPath: '{$.value}' } },
  }));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, namespace },
    spec: { metrics },
  };
}

/**
 * Each request's lateness against its schedule, from above: the next measurement of a metric is due `interval`
 * after the previous one finished (Argo's rule, run-schedule.ts), and it finished after its request reached the
 * endpoint, so `gap between consecutive requests − interval` is at least the lateness (it adds the time the previous
 * measurement took: the endpoint answers at once). The first request of each metric in the window has no previous.
 */
function latenessOf(arrivals: Record<string, number[]>) {
  const lateness: number[] = [];
  let unscheduled = 0;
  for (const times of Object.values(arrivals)) {
    unscheduled++;
    for (let i = 1; i < times.length; i++) lateness.push((times[i] ?? 0) - (times[i - 1] ?? 0) - INTERVAL_MS);
  }
  return { lateness: lateness.sort((a, b) => a - b), unscheduled };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(): number {
  return process.memoryUsage().rss / MB;
}

async function measureBaseline(): Promise<number> {
  await sleep(1000);
  globalThis.gc?.();
  return rssMb();
}

export async function runAnalysisScenario(scenario: AnalysisScenario): Promise<AnalysisResult> {
  const endpoint = await startEndpointProcess();
  const cluster = new MemoryCluster();
  for (let i = 0; i < scenario.namespaces; i++)
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } });
  const manager = new ControllerManager({ cluster, logger: silent, analysisWorkers: WORKERS });
  await manager.start();
  const baselineRssMb = await measureBaseline();

  const start = Date.now();
  for (let i = 0; i < scenario.runs; i++)
    await cluster.create('AnalysisRun', runObject(i, scenario.namespaces, endpoint.base));
  const createMs = Date.now() - start;

  await sleep(Math.max(0, start + scenario.warmupMs - Date.now()));
  endpoint.startWindow();
  const steadyStart = Date.now();
  const cpuBefore = process.cpuUsage();
  const steadyRssMb: number[] = [];
  while (Date.now() < start + scenario.durationMs) {
    await sleep(1000);
    steadyRssMb.push(rssMb());
  }
  const cpu = process.cpuUsage(cpuBefore);
  const steadyEnd = Date.now();
  globalThis.gc?.();
  const afterGc = process.memoryUsage();
  const report = await endpoint.endWindow(steadyStart, steadyEnd);

  const runs = (await cluster.list('AnalysisRun')).items;
  await manager.stop();
  const { lateness, unscheduled } = latenessOf(report.arrivals);
  return {
    runs: scenario.runs,
    metricsPerRun: METRICS.length,
    workers: WORKERS,
    createMs,
    steadySeconds: (steadyEnd - steadyStart) / 1000,
    measurements: Object.values(report.arrivals).reduce((n, times) => n + times.length, 0),
    lateness: {
      p50: percentile(lateness, 50),
      p99: percentile(lateness, 99),
      max: lateness[lateness.length - 1] ?? Number.NaN,
      matched: lateness.length,
    },
    unscheduled,
    notRunning: runs.filter((r) => r.status?.phase !== 'Running').length,
    baselineRssMb,
    steadyRssMb,
    rssAfterGcMb: afterGc.rss / MB,
    heapUsedAfterGcMb: afterGc.heapUsed / MB,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    endpointCpuMs: report.cpuUserMs + report.cpuSystemMs,
    loadAverage: loadavg()[0] ?? Number.NaN,
  };
}

const SCENARIOS = {
  full: { runs: 1000, namespaces: 50, durationMs: 60_000, warmupMs: 15_000 },
  // `--smoke` (CI): the same code paths at a size that proves they run, not how fast.
  smoke: { runs: 50, namespaces: 5, durationMs: 6_000, warmupMs: 2_000 },
} satisfies Record<string, AnalysisScenario>;
type ScenarioName = keyof typeof SCENARIOS;

/** Runs one scenario in a fresh node process and returns what it printed. */
function runChild(name: ScenarioName): Promise<AnalysisResult> {
  return runScenarioChild<AnalysisResult>('analysis', fileURLToPath(import.meta.url), name, extraNodeFlags());
}

/** `TRUESPLIT_BENCH_NODE_FLAGS="--cpu-prof"` profiles the scenario process. */
function extraNodeFlags(): string[] {
  return (process.env.TRUESPLIT_BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (value: number) => `${value.toFixed(0)} MB`;
const percent = (cpuMs: number, seconds: number) => `${((cpuMs / (seconds * 1000)) * 100).toFixed(0)} %`;
const met = (ok: boolean) => (ok ? 'goal met' : 'goal NOT met');

function figures(r: AnalysisResult, smoke: boolean): Figure[] {
  const { p50, p99, max, matched } = r.lateness;
  const steady = [...r.steadyRssMb].sort((a, b) => a - b);
  const added = percentile(steady, 50) - r.baselineRssMb;
  const addedMax = (steady[steady.length - 1] ?? Number.NaN) - r.baselineRssMb;
  const cpuMs = r.cpuUserMs + r.cpuSystemMs;
  const verdict = (ok: boolean) => (smoke ? '' : `, ${met(ok)}`);
  return [
    { name: 'runs × metrics', value: `${r.runs} × ${r.metricsPerRun}, interval 1s, ${r.workers} workers` },
    { name: 'runs created in', value: ms(r.createMs) },
    { name: 'steady window', value: `${r.steadySeconds.toFixed(1)} s` },
    {
      name: 'measurements / s',
      value: `${(r.measurements / r.steadySeconds).toFixed(0)} (${r.measurements} requests)`,
    },
    {
      name: 'lateness p50 / p99 (≤)',
      value: `${ms(p50)} / ${ms(p99)} (max ${ms(max)}, ${matched} matched, ${r.unscheduled} first requests)${verdict(p99 <= 250)}`,
      goal: 'p99 ≤ 250 ms',
    },
    {
      name: 'RSS added',
      value: `${mb(added)} median, ${mb(addedMax)} max (baseline ${mb(r.baselineRssMb)})${verdict(addedMax <= 200)}`,
      goal: '≤ 200 MB',
    },
    {
      name: 'after a full GC',
      value: `RSS ${mb(r.rssAfterGcMb - r.baselineRssMb)} added, JS heap used ${mb(r.heapUsedAfterGcMb)}`,
    },
    {
      name: 'CPU, controller process',
      value: `${percent(cpuMs, r.steadySeconds)} of one core, ${(cpuMs / r.measurements).toFixed(3)} ms per measurement (user ${ms(r.cpuUserMs)}, system ${ms(r.cpuSystemMs)}; the in-memory API server included)`,
    },
    { name: 'CPU, endpoint process', value: `${percent(r.endpointCpuMs, r.steadySeconds)} of one core` },
    {
      name: 'machine load',
      value: `${r.loadAverage.toFixed(1)} (1-minute average) on ${cpus().length} cores`,
    },
    { name: 'runs not Running', value: String(r.notRunning) },
  ];
}

/** `npm run bench -- analysis`: the scenario in a child process; `smoke` runs the small one. */
export async function benchAnalysisRuns(smoke = false): Promise<void> {
  const result = await runChild(smoke ? 'smoke' : 'full');
  printFigures(`analysis: ${result.runs} AnalysisRuns measuring every second`, figures(result, smoke));
}

const entry = process.argv[1] === fileURLToPath(import.meta.url) ? process.argv[2] : undefined;
if (entry !== undefined) {
  if (!Object.hasOwn(SCENARIOS, entry)) throw new Error(`unknown analysis scenario "${entry}"`);
  const result = await runAnalysisScenario(SCENARIOS[entry as ScenarioName]);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
