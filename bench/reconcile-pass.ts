/**
 * Reconcile pass cost: 200 subset-level Rollouts (Istio routing, path gate enforced) in 20 namespaces on the in-memory
 * cluster, driven by the real controller from a new image to completion with a manual clock. Every pass is timed
 * (observe, plan, route, path model, gate, writes, status, events); prints the median and p99 per pass, for the
 * passes of a rollout in progress and for passes with nothing to change.
 */
import { RolloutController } from '../src/controller/controller.js';
import { defaultPlanning } from '../src/controller/planning.js';
import { ManualClock } from '../src/kube/clock.js';
import { MemoryCluster } from '../src/kube/memory-cluster.js';
import { appObjects, namespaceObjects, type AppShape } from './mesh-apps.js';
import { formatMicros, percentile, printFigures } from './stats.js';

const ROLLOUTS = 200;
const NAMESPACES = 20;
const STEPS = [
  { setWeight: 10 },
  { pause: { duration: '2s' } },
  { setWeight: 50 },
  { pause: { duration: '2s' } },
];

const app = (namespaces: number): AppShape => ({
  namespaces,
  replicas: 2,
  steps: STEPS,
  annotations: { 'truesplit.io/path-gate': 'enforce' },
});

async function flush(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** kube-controller-manager's part: every ReplicaSet's pods are ready as soon as they are asked for. */
async function simulateWorkloads(cluster: MemoryCluster): Promise<void> {
  for (const rs of (await cluster.list('ReplicaSet')).items) {
    const replicas = rs.spec.replicas ?? 0;
    const status = {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      fullyLabeledReplicas: replicas,
    };
    if (
      JSON.stringify(rs.status ?? {}) !==
      JSON.stringify({ ...status, observedGeneration: rs.status?.observedGeneration })
    )
      await cluster.updateStatus('ReplicaSet', { ...rs, status });
  }
}

interface Driver {
  cluster: MemoryCluster;
  clock: ManualClock;
  controller: RolloutController;
  timings: number[];
  writes: number;
}

/** Reconciles every queued key (timing each pass) and simulates workloads until nothing is left right now. */
async function settle(d: Driver): Promise<void> {
  for (let round = 0; round < 100_000; round++) {
    await flush();
    if (d.controller.queue.depth() === 0) {
      await simulateWorkloads(d.cluster);
      await flush();
      if (d.controller.queue.depth() === 0) return;
    }
    const key = await d.controller.queue.get();
    if (key === undefined) return;
    const started = performance.now();
    try {
      d.writes += (await d.controller.processKey(key)).writes.length;
    } finally {
      d.timings.push(performance.now() - started);
      d.controller.queue.done(key);
    }
  }
}

async function startDriver(rollouts: number, namespaces: number): Promise<Driver> {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const cluster = new MemoryCluster({ clock, historyLimit: 100 });
  for (const object of [
    ...namespaceObjects(namespaces),
    ...Array.from({ length: rollouts }, (_, i) => appObjects(i, app(namespaces))).flat(),
  ])
    await cluster.create(object.kind as 'Namespace', object as never);
  const controller = new RolloutController({ cluster, clock, planning: defaultPlanning });
  controller.startInformers();
  await flush(10);
  return { cluster, clock, controller, timings: [], writes: 0 };
}

function figures(label: string, timings: number[]): { name: string; value: string }[] {
  const sorted = [...timings].sort((a, b) => a - b);
  return [
    { name: `${label} passes`, value: String(sorted.length) },
    { name: `${label} median per pass`, value: formatMicros(percentile(sorted, 50)) },
    { name: `${label} p99 per pass`, value: formatMicros(percentile(sorted, 99)) },
  ];
}

/**
 * `rollouts`: 200 for the figures; `npm run bench:smoke` runs 20. `namespaces`: 20 for the figures; 1 is the shape of
 * bench:cluster (every Rollout's objects in one namespace).
 */
export async function benchReconcilePass(rollouts = ROLLOUTS, namespaces = NAMESPACES): Promise<void> {
  const d = await startDriver(rollouts, namespaces);
  await settle(d);
  for (let i = 0; i < rollouts; i++) {
    const rollout = await d.cluster.get('Rollout', `ns-${i % namespaces}`, `app-${i}`);
    const template = {
      ...rollout.spec.template,
      spec: { containers: [{ name: 'app', image: `app-${i}:2` }] },
    };
    await d.cluster.update('Rollout', { ...rollout, spec: { ...rollout.spec, template } });
  }
  d.timings = [];
  d.writes = 0;
  for (let t = 0; t < 8; t++) {
    await settle(d);
    d.clock.advance(1_000);
  }
  await settle(d);
  const progressing = d.timings;
  const progressingWrites = d.writes;
  d.timings = [];
  for (const key of d.controller.informers.rollouts.keys()) d.controller.queue.add(key);
  for (let i = 0; i < 4; i++) {
    await settle(d);
    for (const key of d.controller.informers.rollouts.keys()) d.controller.queue.add(key);
  }
  await settle(d);
  const steady = d.timings;
  const done = d.controller.informers.rollouts
    .list()
    .filter((r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash).length;
  d.controller.stop();
  printFigures(
    `Reconcile pass (${rollouts} subset-level Rollouts in ${namespaces} namespaces, path gate enforced, in-memory cluster)`,
    [
      ...figures('progressing', progressing),
      ...figures('steady', steady),
      { name: 'progressing writes', value: String(progressingWrites) },
      { name: 'Rollouts completed', value: `${done}/${rollouts}` },
    ],
  );
}
