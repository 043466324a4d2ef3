/**
 * `npm run bench:cluster`: N Rollouts (default 200) through 4 setWeight steps on the real local control plane, with the
 * controller as a separate process under the shipped RBAC. Prints wall time, p50/p99 latency from "canary ReplicaSet
 * available" to "VirtualService written", API requests per completed step (writes, and GETs — reads that bypass
 * the informer caches) and the controller's peak RSS.
 *
 *   npm run bench:cluster -- [--rollouts 200] [--replicas 4] [--workers 10]
 */
import { parseArgs } from 'node:util';
import type { VirtualService } from '../src/api/istio.ts';
import type { Rollout } from '../src/api/rollout.ts';
import type { ReplicaSet } from '../src/api/workloads.ts';
import { startControlPlane } from '../e2e/cluster/control-plane.ts';
import {
  ControllerProcess,
  ensureControllerBuilt,
  parseRequestCounts,
} from '../e2e/support/controller-process.ts';
import { provisionControllerIdentity } from '../e2e/support/controller-identity.ts';
import { subsetCanary } from '../e2e/support/fixtures.ts';
import { ObjectHistory, paths } from '../e2e/support/history.ts';
import { E2eClient } from '../e2e/support/kube.ts';
import { sleep } from '../e2e/support/wait-for.ts';
import { isWrite, percentile, requestDelta, stepLatencies, sumWhere } from './cluster-measure.ts';

const WEIGHTS = [25, 50, 75, 100];
const NS = 'bench';

const { values } = parseArgs({
  options: { rollouts: { type: 'string' }, replicas: { type: 'string' }, workers: { type: 'string' } },
});
const ROLLOUTS = Number(values.rollouts ?? 200);
const REPLICAS = Number(values.replicas ?? 4);
const WORKERS = Number(values.workers ?? 10);
const names = Array.from({ length: ROLLOUTS }, (_, i) => `app-${String(i).padStart(3, '0')}`);

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Latest Rollout and VirtualService per name, kept current by the watches. */
class LiveState {
  readonly rollouts = new Map<string, Rollout>();
  readonly canaryWeight = new Map<string, number>();

  constructor(rollouts: ObjectHistory<Rollout>, vss: ObjectHistory<VirtualService>) {
    rollouts.onVersion((v) => this.rollouts.set(v.object.metadata.name, v.object));
    vss.onVersion((v) => {
      const primary = v.object.spec.http?.find((r) => r.name === 'primary');
      this.canaryWeight.set(
        v.object.metadata.name,
        primary?.route?.find((d) => d.destination.subset === 'canary')?.weight ?? 0,
      );
    });
  }

  /** Rollouts that are Healthy on `image`, stable == current, all replicas available and the canary weight back at 0. */
  done(image: string): number {
    let n = 0;
    for (const name of names) {
      const r = this.rollouts.get(name);
      const s = r?.status;
      const onImage = r?.spec.template?.spec?.containers?.[0]?.image === image;
      const observed = s?.observedGeneration === String(r?.metadata.generation);
      const healthy =
        observed &&
        s?.phase === 'Healthy' &&
        s.stableRS === s.currentPodHash &&
        s.availableReplicas === REPLICAS;
      if (onImage && healthy && this.canaryWeight.get(name) === 0) n++;
    }
    return n;
  }

  async waitAll(image: string, what: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last = -1;
    for (;;) {
      const done = this.done(image);
      if (done === names.length) return Date.now() - started;
      if (done !== last) process.stdout.write(`  ${what}: ${done}/${names.length}\n`);
      last = done;
      if (Date.now() - started > timeoutMs)
        throw new Error(`${what}: only ${done}/${names.length} after ${timeoutMs} ms`);
      await sleep(250);
    }
  }
}

async function main(): Promise<void> {
  ensureControllerBuilt();
  console.log(
    `bench:cluster — ${ROLLOUTS} Rollouts × ${REPLICAS} replicas, steps setWeight ${WEIGHTS.join('/')}, ${WORKERS} workers`,
  );
  const plane = await startControlPlane({ log: () => undefined });
  let controller: ControllerProcess | undefined;
  const histories: { stop(): void }[] = [];
  try {
    const admin = new E2eClient(plane.kubeconfigPath);
    const identity = await provisionControllerIdentity(admin, plane, plane.workDir);
    await admin.createNamespace(NS);
    const rsHistory = new ObjectHistory<ReplicaSet>(admin.kc, paths.replicaSets(NS));
    const vsHistory = new ObjectHistory<VirtualService>(admin.kc, paths.virtualServices(NS));
    const rolloutHistory = new ObjectHistory<Rollout>(admin.kc, paths.rollouts(NS));
    histories.push(rsHistory, vsHistory, rolloutHistory);
    await Promise.all([rsHistory.start(), vsHistory.start(), rolloutHistory.start()]);
    const live = new LiveState(rolloutHistory, vsHistory);

    controller = await ControllerProcess.start({
      kubeconfig: identity.kubeconfigPath,
      logDir: `${plane.workDir}/logs`,
      name: 'controller',
      workers: WORKERS,
    });
    await controller.waitReady(60_000);
    const steps = WEIGHTS.map((w) => ({ setWeight: w }));
    const t0 = Date.now();
    await inBatches(names, 20, (name) =>
      admin.createAll(
        subsetCanary({
          namespace: NS,
          name,
          replicas: REPLICAS,
          steps,
          readyDelayMs: 200,
          canary: { scaleDownDelaySeconds: 1 },
        }).objects,
      ),
    );
    await waitFirstRevision(live, 600_000);
    console.log(
      `revision 1 of ${ROLLOUTS} Rollouts healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const before = await controller.metricsText();
    const cpuBefore = controller.cpuSeconds() ?? 0;
    const queue = sampleQueueDepth(controller);
    const t1 = Date.now();
    await inBatches(names, 20, (name) => admin.setImage(NS, name, 'registry.example/bench:2'));
    const wallMs = await live.waitAll('registry.example/bench:2', 'revision 2', 900_000);
    const after = await controller.metricsText();
    const cpu = (controller.cpuSeconds() ?? 0) - cpuBefore;
    await sleep(500);
    report({ wallMs, t1, rsHistory, vsHistory, before, after, controller, cpu, maxQueueDepth: queue.stop() });
  } finally {
    for (const h of histories) h.stop();
    await controller?.stop();
    await plane.stop();
  }
}

/** Revision 1 (each fixture's own image) Healthy everywhere: no steps run for a first revision. */
async function waitFirstRevision(live: LiveState, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const done = names.filter((name) => {
      const s = live.rollouts.get(name)?.status;
      return s?.phase === 'Healthy' && s.availableReplicas === REPLICAS && live.canaryWeight.get(name) === 0;
    }).length;
    if (done === names.length) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`revision 1: only ${done}/${names.length} healthy`);
    await sleep(250);
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
  console.log(`controller peak RSS (VmHWM): ${rss === undefined ? 'n/a' : `${(rss / 1024).toFixed(1)} MiB`}`);
  console.log(
    `controller CPU during the rollouts: ${r.cpu.toFixed(1)} s of ${(r.wallMs / 1000).toFixed(1)} s wall`,
  );
  console.log(
    `reconciles: ${reconciles} (${(reconciles / completedSteps).toFixed(1)}/step), mean ${((reconcileSeconds / Math.max(1, reconciles)) * 1000).toFixed(1)} ms, workqueue depth max ${r.maxQueueDepth}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
