/**
 * The sandbox at scale (`truesplit sandbox -f DIR`: memory cluster, workload simulator, the real controller, store,
 * request driver and dashboard). Each scenario runs in its own node process so its peak RSS is its own:
 * - `rollout-1000`: 1,000 Rollouts healthy at revision 1 get a new image at once; wall time until all 1,000 finish the
 *   four steps (setWeight 10, pause 1 s, setWeight 50, pause 1 s) and are Healthy on the new revision.
 * - `idle-10000`: 10,000 Rollouts loaded and brought to Healthy, then left idle; RSS after settling.
 * - `rollout-50`, `idle-500`: the smoke variants CI runs (`npm run bench:smoke`); their goals do not apply.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Rollout } from '../src/api/rollout.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from '../src/controller/heap-growth.js';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { appObjects, namespaceObjects } from './mesh-apps.js';
import { runScenarioChild } from './child.js';
import { printFigures, type Figure } from './stats.js';

const NAMESPACES = 100;
const READY_DELAY_MS = 50;
const PAUSE = '1s';
const STEPS = [
  { setWeight: 10 },
  { pause: { duration: PAUSE } },
  { setWeight: 50 },
  { pause: { duration: PAUSE } },
];
const MB = 1024 * 1024;

interface Scenario {
  rollouts: number;
  replicas: number;
  /** Give up waiting for each phase after this long (the figures then show how many got there). */
  timeoutMs: number;
}

const SCENARIOS = {
  'rollout-1000': { rollouts: 1000, replicas: 2, timeoutMs: 150_000 },
  'idle-10000': { rollouts: 10_000, replicas: 1, timeoutMs: 180_000 },
  // `--smoke` (CI): the same code paths at a size that proves they run, not how fast.
  'rollout-50': { rollouts: 50, replicas: 2, timeoutMs: 60_000 },
  'idle-500': { rollouts: 500, replicas: 1, timeoutMs: 60_000 },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof SCENARIOS;

async function writeManifests(dir: string, scenario: Scenario): Promise<void> {
  await writeFile(
    join(dir, '00-namespaces.yaml'),
    namespaceObjects(NAMESPACES)
      .map((o) => stringify(o))
      .join('---\n'),
  );
  const shape = { namespaces: NAMESPACES, replicas: scenario.replicas, steps: STEPS };
  const apps = Array.from({ length: scenario.rollouts }, (_, i) => appObjects(i, shape)).flat();
  await writeFile(join(dir, 'apps.yaml'), apps.map((o) => stringify(o)).join('---\n'));
}

/**
 * Healthy on the revision its template asks for, with every replica available. The status must be the controller's
 * answer to the current spec (`observedGeneration`): right after the image change it still reads Healthy, stable ==
 * current, for the old template.
 */
function settled(rollout: Rollout, image: string): boolean {
  const s = rollout.status;
  const current = rollout.spec.template?.spec?.containers?.[0]?.image ?? '';
  return (
    current.endsWith(image) &&
    s?.observedGeneration === String(rollout.metadata.generation) &&
    s?.phase === 'Healthy' &&
    Boolean(s.stableRS) &&
    s.stableRS === s.currentPodHash &&
    (s.availableReplicas ?? 0) >= (rollout.spec.replicas ?? 1)
  );
}

/** Polls the cluster until every Rollout is settled on `image`; the number settled at the end. */
async function waitSettled(sandbox: Sandbox, image: string, deadline: number) {
  for (let poll = 1; ; poll++) {
    const { items } = await sandbox.cluster.list('Rollout');
    const done = items.filter((r) => settled(r, image)).length;
    if (poll % 40 === 0)
      process.stderr.write(`  sandbox bench: ${done}/${items.length} settled on ${image}\n`);
    if (done === items.length || Date.now() > deadline) return { done, total: items.length };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What a scenario process prints as its last stdout line. */
interface ScenarioResult {
  scenario: ScenarioName;
  rollouts: number;
  replicas: number;
  loadMs: number;
  initialHealthyMs: number;
  initialDone: number;
  rolloutMs?: number;
  rolloutDone?: number;
  rssSettledMb?: number;
  rssAfterGcMb?: number;
  heapUsedMb?: number;
  peakRssMb: number;
  /** CPU seconds (user + system) the scenario process used: the machine is shared, so wall time alone misleads. */
  cpuSeconds?: number;
  pods: number;
}

async function rolloutAll(sandbox: Sandbox, count: number, image: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const containers = [{ name: 'app', image: image(i) }];
    await sandbox.cluster.patch('Rollout', `ns-${i % NAMESPACES}`, `app-${i}`, {
      spec: { template: { spec: { containers } } },
    });
  }
}

/** Revision 2 everywhere at once; wall time until every Rollout is Healthy on it (or the deadline). */
async function measureUpdate(sandbox: Sandbox, scenario: Scenario, result: ScenarioResult): Promise<void> {
  const start = Date.now();
  await rolloutAll(sandbox, scenario.rollouts, (i) => `app-${i}:2`);
  const updated = await waitSettled(sandbox, ':2', start + scenario.timeoutMs);
  result.rolloutMs = Date.now() - start;
  result.rolloutDone = updated.done;
}

/** RSS once the sandbox has had 10 s with nothing to do, then after a full GC. */
async function measureIdle(result: ScenarioResult): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  result.rssSettledMb = process.memoryUsage().rss / MB;
  globalThis.gc?.();
  result.rssAfterGcMb = process.memoryUsage().rss / MB;
  result.heapUsedMb = process.memoryUsage().heapUsed / MB;
}

async function runScenario(name: ScenarioName): Promise<ScenarioResult> {
  const scenario: Scenario = SCENARIOS[name];
  const dir = await mkdtemp(join(tmpdir(), 'truesplit-bench-sandbox-'));
  try {
    await writeManifests(dir, scenario);
    limitHeapGrowth(DEFAULT_HEAP_GROWTH_PERCENT); // as `truesplit sandbox` does
    const t0 = Date.now();
    const sandbox = await startSandbox({
      manifestsDir: dir,
      port: 0,
      readyDelayMs: READY_DELAY_MS,
      onError: () => {},
    });
    const t1 = Date.now();
    const initial = await waitSettled(sandbox, ':1', t1 + scenario.timeoutMs);
    const result: ScenarioResult = {
      scenario: name,
      rollouts: scenario.rollouts,
      replicas: scenario.replicas,
      loadMs: t1 - t0,
      initialHealthyMs: Date.now() - t1,
      initialDone: initial.done,
      peakRssMb: 0,
      pods: 0,
    };
    if (name.startsWith('idle-')) await measureIdle(result);
    else if (initial.done === initial.total) await measureUpdate(sandbox, scenario, result);
    result.pods = (await sandbox.cluster.list('Pod')).items.length;
    await sandbox.close();
    result.peakRssMb = process.resourceUsage().maxRSS / 1024;
    const cpu = process.cpuUsage();
    result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs one scenario in a fresh node process and returns what it printed. */
function runChild(name: ScenarioName): Promise<ScenarioResult> {
  return runScenarioChild<ScenarioResult>('sandbox', fileURLToPath(import.meta.url), name);
}

const seconds = (ms: number | undefined) => `${((ms ?? Number.NaN) / 1000).toFixed(1)} s`;
const megabytes = (mb: number | undefined) => `${(mb ?? Number.NaN).toFixed(0)} MB`;

function rolloutWall(r: ScenarioResult): string {
  const limit = seconds(SCENARIOS[r.scenario].timeoutMs);
  if (r.initialDone < r.rollouts) return `not measured: revision 1 not Healthy everywhere after ${limit}`;
  if ((r.rolloutDone ?? 0) < r.rollouts)
    return `> ${limit}: only ${r.rolloutDone}/${r.rollouts} promoted by then`;
  return `${seconds(r.rolloutMs)} (${r.rolloutDone}/${r.rollouts} promoted)`;
}

function rolloutFigures(r: ScenarioResult): Figure[] {
  return [
    { name: 'rollouts × replicas', value: `${r.rollouts} × ${r.replicas} in ${NAMESPACES} namespaces` },
    {
      name: 'steps',
      value: `setWeight 10, pause ${PAUSE}, setWeight 50, pause ${PAUSE} (pauses end by duration)`,
    },
    { name: 'pod ready delay', value: `${READY_DELAY_MS} ms` },
    {
      name: 'revision 1 healthy after',
      value: `${seconds(r.initialHealthyMs)} (${r.initialDone}/${r.rollouts})`,
    },
    { name: 'update → all Healthy', value: rolloutWall(r), goal: '≤ 60 s' },
    { name: 'peak RSS', value: megabytes(r.peakRssMb), goal: '≤ 500 MB' },
    { name: 'CPU of the scenario process', value: seconds((r.cpuSeconds ?? Number.NaN) * 1000) },
  ];
}

function idleFigures(r: ScenarioResult): Figure[] {
  return [
    {
      name: 'rollouts × replicas',
      value: `${r.rollouts} × ${r.replicas} in ${NAMESPACES} namespaces (${r.pods} pods)`,
    },
    { name: 'manifests loaded in', value: seconds(r.loadMs) },
    { name: 'all Healthy after', value: `${seconds(r.initialHealthyMs)} (${r.initialDone}/${r.rollouts})` },
    {
      name: 'RSS 10 s after',
      value: `${megabytes(r.rssSettledMb)}${r.initialDone < r.rollouts ? ' (still converging, not idle)' : ' (idle)'}`,
      goal: '≤ 1 GB',
    },
    { name: 'RSS after a full GC', value: megabytes(r.rssAfterGcMb) },
    { name: 'JS heap used after GC', value: megabytes(r.heapUsedMb) },
    { name: 'peak RSS (load + converge)', value: megabytes(r.peakRssMb) },
    { name: 'CPU of the scenario process', value: seconds((r.cpuSeconds ?? Number.NaN) * 1000) },
  ];
}

/** `npm run bench -- sandbox`: each scenario in a child process; `smoke` runs the small variants. */
export async function benchSandbox(smoke = false): Promise<void> {
  const rollout = await runChild(smoke ? 'rollout-50' : 'rollout-1000');
  printFigures(`sandbox: ${rollout.rollouts} Rollouts through 4 steps`, rolloutFigures(rollout));
  const idle = await runChild(smoke ? 'idle-500' : 'idle-10000');
  printFigures(`sandbox: ${idle.rollouts} idle Rollouts`, idleFigures(idle));
}

const entry = process.argv[1] === fileURLToPath(import.meta.url) ? process.argv[2] : undefined;
if (entry !== undefined) {
  if (!Object.hasOwn(SCENARIOS, entry)) throw new Error(`unknown sandbox scenario "${entry}"`);
  const result = await runScenario(entry as ScenarioName);
  console.log(JSON.stringify(result));
  process.exit(0);
}
