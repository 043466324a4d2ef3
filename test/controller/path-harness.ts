/**
 * The seed's broken demo (VirtualService bound only to the gateway, hosts ["*"], injected namespace) under the real
 * controller (planner, Istio router, path model, gate) against the in-memory cluster, with a manual clock.
 */
import type { Condition } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import { RolloutController } from '../../src/controller/controller.js';
import { createControllerMetrics, type ControllerMetrics } from '../../src/controller/metrics.js';
import { defaultPlanning } from '../../src/controller/planning.js';
import type { KubeEvent } from '../../src/kube/cluster.js';
import { ManualClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import {
  DEMO_CANARY_IMAGE,
  DEMO_NAMESPACE as NS,
  DEMO_ROLLOUT as NAME,
  demoObjects,
} from '../../src/sandbox/demo.js';
import { flush } from '../kube/fixtures.js';

/** The demo's steps, with timed pauses so a test can run to completion with the clock. */
export const STEPS = [
  { setWeight: 10 },
  { pause: { duration: '10s' } },
  { setWeight: 50 },
  { pause: { duration: 5 } },
];

export interface PathHarness {
  controller: RolloutController;
  cluster: MemoryCluster;
  clock: ManualClock;
  metrics: ControllerMetrics;
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  rollout(): Promise<Rollout>;
  condition(): Promise<Condition | undefined>;
  events(reason: string): Promise<KubeEvent[]>;
  sample(name: string, labels: Record<string, string>): Promise<number | undefined>;
}

/** Plays kube-controller-manager: each ReplicaSet's pods are ready as soon as they are asked for. */
async function simulateWorkloads(cluster: MemoryCluster): Promise<void> {
  for (const rs of (await cluster.list('ReplicaSet', { namespace: NS })).items) {
    const replicas = rs.spec.replicas ?? 0;
    const status = {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      fullyLabeledReplicas: replicas,
    };
    if (JSON.stringify(rs.status ?? {}) !== JSON.stringify(status))
      await cluster.updateStatus('ReplicaSet', { ...rs, status });
  }
}

function parseSample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

export async function startDemo(annotations: Record<string, string>): Promise<PathHarness> {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const cluster = new MemoryCluster({ clock });
  for (const { kind, object } of demoObjects()) {
    if (kind === 'Rollout') {
      const rollout = object as Rollout;
      rollout.metadata.annotations = annotations;
      rollout.spec.strategy.canary = { ...rollout.spec.strategy.canary, steps: STEPS };
    }
    await cluster.create(kind, object as never);
  }
  const metrics = createControllerMetrics();
  const controller = new RolloutController({ cluster, clock, planning: defaultPlanning, metrics });
  controller.startInformers();
  await flush();
  const h: PathHarness = {
    controller,
    cluster,
    clock,
    metrics,
    async settle() {
      for (let round = 0; round < 500; round++) {
        await flush();
        if (controller.queue.depth() === 0) {
          await simulateWorkloads(cluster);
          await flush();
          if (controller.queue.depth() === 0) return;
        }
        const key = await controller.queue.get();
        if (key === undefined) return;
        await controller.processKey(key).finally(() => controller.queue.done(key));
      }
      throw new Error('controller did not settle in 500 rounds');
    },
    async advance(ms) {
      for (let t = 0; t < ms; t += 1_000) {
        clock.advance(Math.min(1_000, ms - t));
        await h.settle();
      }
    },
    rollout: () => cluster.get('Rollout', NS, NAME),
    condition: async () =>
      (await h.rollout()).status?.conditions?.find((c) => c.type === 'TrafficPathsConsistent'),
    events: async (reason) =>
      (await cluster.list('Event', { namespace: NS })).items.filter((e) => e.reason === reason),
    sample: async (name, labels) => parseSample(await metrics.registry.metrics(), name, labels),
  };
  await h.settle();
  return h;
}

/** Revision 2 (the demo's canary image) starts the canary. */
export async function startCanary(h: PathHarness): Promise<void> {
  const rollout = await h.rollout();
  const template = rollout.spec.template;
  const container = template?.spec?.containers?.[0];
  if (!container) throw new Error('demo Rollout has no container');
  container.image = DEMO_CANARY_IMAGE;
  await h.cluster.update('Rollout', rollout);
  await h.settle();
}
