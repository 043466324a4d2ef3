/**
 * `npm run bench:cluster`: N Rollouts (default 200) through 4 setWeight steps on the real local control plane, with the
 * controller as a separate process under the shipped RBAC. Prints wall time, p50/p99 latency from "canary ReplicaSet
 * available" to "VirtualService written", API requests per completed step (writes, and GETs — reads that bypass
 * the informer caches) and the controller's peak RSS.
 *
 *   npm run bench:cluster -- [--rollouts 200] [--replicas 4] [--workers 10]
 *                            [--node-args=--trace-gc] [--heap-snapshots DIR [--snapshot-at-mib 250]]
 *
 * `--node-args` are given to the controller's node (before its entry point), e.g. `--cpu-prof --cpu-prof-dir=DIR`
 * for a CPU profile (hack/cpuprofile-summary.ts sums it); with `--trace-gc` among them the report
 * summarises the JS heap's size around the collections. `--heap-snapshots DIR` writes a heap snapshot of the
 * controller into DIR once its caches synced and once its RSS first reaches `--snapshot-at-mib` (a snapshot stops
 * the controller for seconds and costs memory: do not compare that run's figures with others).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VirtualService } from '../src/api/istio.ts';
import type { ReplicaSet } from '../src/api/workloads.ts';
import { startControlPlane } from '../e2e/cluster/control-plane.ts';
import {
  ControllerProcess,
  ensureControllerBuilt,
  parseRequestCounts,
} from '../e2e/support/controller-process.ts';
import { provisionControllerIdentity } from '../e2e/support/controller-identity.ts';
import type { ObjectHistory } from '../e2e/support/history.ts';
import { E2eClient } from '../e2e/support/kube.ts';
import { sleep } from '../e2e/support/wait-for.ts';
import { describePeak, parseTraceGc, sampleRss, summariseGc, type RssSampler } from './cluster-memory.ts';
import { isWrite, percentile, requestDelta, stepLatencies, sumWhere } from './cluster-measure.ts';
import type { WorkloadHistories } from './cluster-workload.ts';
import {
  changeImage,
  createWorkload,
  LiveState,
  NEXT_IMAGE,
  WEIGHTS,
  watchWorkload,
  workload,
} from './cluster-workload.ts';

const NS = 'bench';

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string' },
    replicas: { type: 'string' },
    workers: { type: 'string' },
    'node-args': { type: 'string' },
    'heap-snapshots': { type: 'string' },
    'snapshot-at-mib': { type: 'string' },
  },
});
const NODE_ARGS = [
  ...(values['node-args']?.split(' ').filter(Boolean) ?? []),
  ...(values['heap-snapshots']
    ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${values['heap-snapshots']}`]
    : []),
];
const ROLLOUTS = Number(values.rollouts ?? 200);
const REPLICAS = Number(values.replicas ?? 4);
const WORKERS = Number(values.workers ?? 10);
// ControllerProcess.start reads it (e2e/support/controller-process.ts).

async function main(): Promise<void> {
  ensureControllerBuilt();
  console.log(
    `bench:cluster — ${ROLLOUTS} Rollouts × ${REPLICAS} replicas, steps setWeight ${WEIGHTS.join('/')}, ${WORKERS} workers`,
  );
  const plane = await startControlPlane({ log: () => undefined });
  let controller: ControllerProcess | undefined;
  let histories: WorkloadHistories | undefined;
  let rss: RssSampler | undefined;
  try {
    const admin = new E2eClient(plane.kubeconfigPath);
    const identity = await provisionControllerIdentity(admin, plane, plane.workDir);
    await admin.createNamespace(NS);
    const w = workload(NS, ROLLOUTS, REPLICAS);
    histories = await watchWorkload(admin, NS);
    const live = new LiveState(w, histories);

    controller = await ControllerProcess.start({
      kubeconfig: identity.kubeconfigPath,
      logDir: `${plane.workDir}/logs`,
      name: 'controller',
      workers: WORKERS,
      nodeArgs: NODE_ARGS,
    });
    await controller.waitReady(60_000);
    await sleep(2_000);
    const idleRss = controller.rssKib();
    console.log(`controller RSS with caches synced, 0 Rollouts: ${mib(idleRss)}`);
    rss = startMemoryProbes(controller);
    const t0 = Date.now();
    await createWorkload(admin, w);
    await live.waitFirstRevision(600_000);
    console.log(
      `revision 1 of ${ROLLOUTS} Rollouts healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const before = await controller.metricsText();
    const cpuBefore = controller.cpuSeconds() ?? 0;
    const queue = sampleQueueDepth(controller);
    const t1 = Date.now();
    console.log(`image change at ${((t1 - t0) / 1000).toFixed(1)} s after the Rollouts were created`);
    await changeImage(admin, w);
    await live.waitAll(NEXT_IMAGE, 'revision 2', 900_000);
    const wallMs = Date.now() - t1; // from the first image patch, as its label says
    const after = await controller.metricsText();
    const cpu = (controller.cpuSeconds() ?? 0) - cpuBefore;
    await sleep(500);
    report({
      wallMs,
      t1,
      rsHistory: histories.rs,
      vsHistory: histories.vs,
      before,
      after,
      controller,
      cpu,
      maxQueueDepth: queue.stop(),
    });
    reportMemory(controller, rss, t0);
  } finally {
    rss?.stop();
    histories?.stop();
    await controller?.stop();
    await plane.stop();
  }
}

/** Polls the controller's workqueue depth every 5 s (a scrape costs the controller CPU); stop() returns the max. */
function sampleQueueDepth(controller: ControllerProcess): { stop(): number } {
  let max = 0;
  const timer = setInterval(() => {
    controller
      .metricsText()
      .then((text) => (max = Math.max(max, metricSum(text, 'truesplit_workqueue_depth'))))
      .catch(() => undefined);
  }, 5_000);
  return { stop: () => (clearInterval(timer), max) };
}

/** Sum of every sample of one metric (all label sets). */
function metricSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

interface ReportInput {
  wallMs: number;
  t1: number;
  rsHistory: ObjectHistory<ReplicaSet>;
  vsHistory: ObjectHistory<VirtualService>;
  before: string;
  after: string;
  controller: ControllerProcess;
  cpu: number;
  maxQueueDepth: number;
}

function report(r: ReportInput): void {
  const latencies = stepLatencies(r.rsHistory.versions, r.vsHistory.versions, WEIGHTS, REPLICAS, r.t1)
    .map((l) => l.ms)
    .sort((a, b) => a - b);
  const delta = requestDelta(parseRequestCounts(r.before), parseRequestCounts(r.after));
  const reconciles =
    metricSum(r.after, 'truesplit_reconcile_duration_seconds_count') -
    metricSum(r.before, 'truesplit_reconcile_duration_seconds_count');
  const reconcileSeconds =
    metricSum(r.after, 'truesplit_reconcile_duration_seconds_sum') -
    metricSum(r.before, 'truesplit_reconcile_duration_seconds_sum');
  const completedSteps = ROLLOUTS * WEIGHTS.length;
  const writes = sumWhere(delta, (verb) => isWrite(verb));
  const writesNoEvents = sumWhere(delta, (verb, kind) => isWrite(verb) && kind !== 'Event');
  const gets = sumWhere(delta, (verb) => verb === 'get');
  const totalGets = parseRequestCounts(r.after)
    .filter((c) => c.verb === 'get')
    .reduce((n, c) => n + c.count, 0);
  const rss = r.controller.peakRssKib();
  console.log('\n=== bench:cluster ===');
  console.log(
    `rollouts: ${ROLLOUTS} × ${REPLICAS} replicas, ${WEIGHTS.length} steps each (${completedSteps} steps)`,
  );
  console.log(`wall time, image change → all ${ROLLOUTS} fully promoted: ${(r.wallMs / 1000).toFixed(1)} s`);
  console.log(
    `canary RS available → VS written: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms (${latencies.length} samples)`,
  );
  console.log(
    `API writes per completed step: ${(writes / completedSteps).toFixed(2)} (${(writesNoEvents / completedSteps).toFixed(2)} without Events)`,
  );
  console.log(
    `GETs during the rollouts: ${gets} (whole run: ${totalGets}) — reads otherwise come from informer caches`,
  );
  console.log('requests during the rollouts, by verb and kind:');
  for (const [key, n] of delta)
    console.log(`  ${key.padEnd(28)} ${String(n).padStart(6)}  (${(n / completedSteps).toFixed(2)}/step)`);
  console.log(`controller peak RSS (VmHWM): ${mib(rss)}`);
  console.log(
    `controller CPU during the rollouts: ${r.cpu.toFixed(1)} s of ${(r.wallMs / 1000).toFixed(1)} s wall`,
  );
  console.log(
    `reconciles: ${reconciles} (${(reconciles / completedSteps).toFixed(1)}/step), mean ${((reconcileSeconds / Math.max(1, reconciles)) * 1000).toFixed(1)} ms, workqueue depth max ${r.maxQueueDepth}`,
  );
}

/** The RSS sampler, and the heap snapshots `--heap-snapshots` asks for (one now, one at the RSS threshold). */
function startMemoryProbes(controller: ControllerProcess): RssSampler {
  if (!values['heap-snapshots']) return sampleRss(controller.pid);
  const snapshot = (when: string) => {
    console.log(`heap snapshot of the controller: ${when}`);
    process.kill(controller.pid, 'SIGUSR2');
  };
  snapshot('caches synced, 0 Rollouts');
  const atKib = Number(values['snapshot-at-mib'] ?? 250) * 1024;
  return sampleRss(controller.pid, 1_000, { kib: atKib, fn: () => snapshot(`RSS reached ${mib(atKib)}`) });
}

function reportMemory(controller: ControllerProcess, rss: RssSampler, t0: number): void {
  console.log(`controller RSS peak sampled every second: ${describePeak(rss.samples, t0)}`);
  console.log(`controller RSS at the end: ${mib(controller.rssKib())}`);
  if (NODE_ARGS.includes('--trace-gc'))
    console.log(
      `controller JS heap (--trace-gc): ${summariseGc(parseTraceGc(readFileSync(controller.logFile, 'utf8')))}`,
    );
}

function mib(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
