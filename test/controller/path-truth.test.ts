/**
 * Path truth in the running controller, end states only: the seed's broken demo (VirtualService bound only to the
 * gateway, hosts ["*"], injected namespace) against the in-memory cluster with the real planner and Istio router.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../src/api/istio.js';
import { PATH_GATE_ANNOTATION, PATH_TOLERANCE_ANNOTATION } from '../../src/api/labels.js';
import type { Condition } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import { RolloutController } from '../../src/controller/controller.js';
import { createControllerMetrics, type ControllerMetrics } from '../../src/controller/metrics.js';
import { defaultPlanning } from '../../src/controller/planning.js';
import type { KubeEvent } from '../../src/kube/cluster.js';
import { ManualClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { applyFix } from '../../src/sandbox/demo-fixes.js';
import {
  DEMO_CANARY_IMAGE,
  DEMO_GATEWAY,
  DEMO_NAMESPACE as NS,
  DEMO_ROLLOUT as NAME,
  DEMO_VIRTUAL_SERVICE,
  demoObjects,
} from '../../src/sandbox/demo.js';
import { flush } from '../kube/fixtures.js';

const FQDN = `${NAME}.${NS}.svc.cluster.local`;
/** The demo's steps, with timed pauses so a test can run to completion with the clock. */
const STEPS = [
  { setWeight: 10 },
  { pause: { duration: '10s' } },
  { setWeight: 50 },
  { pause: { duration: 5 } },
];

interface PathHarness {
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

async function startDemo(annotations: Record<string, string>): Promise<PathHarness> {
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
async function startCanary(h: PathHarness): Promise<void> {
  const rollout = await h.rollout();
  const template = rollout.spec.template;
  const container = template?.spec?.containers?.[0];
  if (!container) throw new Error('demo Rollout has no container');
  container.image = DEMO_CANARY_IMAGE;
  await h.cluster.update('Rollout', rollout);
  await h.settle();
}

function canaryWeight(vs: VirtualService): number | undefined {
  return vs.spec.http?.[0]?.route?.find((d) => d.destination.subset === 'canary')?.weight;
}

/** The two fixes §4 allows for the mesh binding: `*` must not stay on a mesh-bound VirtualService. */
const FIXES = [
  {
    name: 'replace "*" by the Service FQDN and bind the VirtualService to mesh',
    apply: async (h: PathHarness) => {
      const vs = await h.cluster.get('VirtualService', NS, DEMO_VIRTUAL_SERVICE);
      await h.cluster.update('VirtualService', {
        ...vs,
        spec: { ...vs.spec, gateways: [DEMO_GATEWAY, 'mesh'], hosts: [FQDN] },
      });
    },
  },
  {
    name: 'split into a gateway VirtualService and a mesh VirtualService, both listed',
    apply: async (h: PathHarness) => {
      await applyFix(h.cluster, { code: 'mesh-binding', namespace: NS, rollout: NAME });
    },
  },
];

describe('TrafficPathsConsistent on the broken demo', () => {
  it('is False with reason mesh-binding and the numbers, one event on the change, share metrics', async () => {
    const h = await startDemo({});
    expect((await h.condition())?.status).toBe('True');
    await startCanary(h);
    const condition = await h.condition();
    expect([condition?.status, condition?.reason]).toEqual(['False', 'mesh-binding']);
    expect(condition?.message).toContain(`VirtualService/${NS}/${DEMO_VIRTUAL_SERVICE}`);
    expect(condition?.message).toContain(`mesh from ${NS}: desired 10% canary, effective 50%`);
    expect(condition?.message).toContain('1 canary of 2 ready pods');
    await h.advance(3_000);
    const events = await h.events('TrafficPathsInconsistent');
    expect(events.map((e) => [e.type, e.count])).toEqual([['Warning', 1]]);
    expect(events[0]?.message).toMatch(/^mesh-binding: /);
    const labels = { namespace: NS, rollout: NAME };
    expect(await h.sample('truesplit_path_desired_share', labels)).toBe(0.1);
    expect(await h.sample('truesplit_path_canary_share', { ...labels, kind: 'mesh', from: NS })).toBe(0.5);
    const gateway = { ...labels, kind: 'gateway', from: `${NS}/${DEMO_GATEWAY}` };
    expect(await h.sample('truesplit_path_canary_share', gateway)).toBe(0.1);
    expect(await h.sample('truesplit_path_canary_share', { ...labels, kind: 'plain', from: 'legacy' })).toBe(
      0.5,
    );
  });

  it('warn (the default) reports but never holds: the canary runs to completion', async () => {
    const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'warn' });
    await startCanary(h);
    expect((await h.rollout()).status).toMatchObject({ currentStepIndex: 1, phase: 'Paused' });
    await h.advance(20_000);
    const status = (await h.rollout()).status;
    expect([status?.phase, status?.stableRS === status?.currentPodHash]).toEqual(['Healthy', true]);
    expect(status?.pauseConditions ?? []).toEqual([]);
  });

  it('removes the path series of a deleted Rollout', async () => {
    const h = await startDemo({});
    await startCanary(h);
    const labels = { namespace: NS, rollout: NAME };
    expect(await h.sample('truesplit_path_desired_share', labels)).toBe(0.1);
    await h.cluster.delete('Rollout', NS, NAME);
    await h.settle();
    expect(await h.sample('truesplit_path_desired_share', labels)).toBeUndefined();
    expect(await h.sample('truesplit_path_canary_share', { ...labels, kind: 'mesh' })).toBeUndefined();
  });
});

describe('path gate: enforce', () => {
  it.each(FIXES)(
    'holds at step 0 until the VirtualService is fixed ($name), then completes',
    async ({ apply }) => {
      const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'enforce' });
      await startCanary(h);
      await h.advance(60_000);
      const held = (await h.rollout()).status;
      expect([held?.phase, held?.currentStepIndex, held?.pauseConditions?.map((p) => p.reason)]).toEqual([
        'Paused',
        0,
        ['PathGate'],
      ]);
      expect(held?.message).toMatch(/^PathGate: mesh from rollouts-demo-istio gets 50% canary, desired 10%/);
      expect(held?.message).toContain('mesh-binding');
      expect(canaryWeight(await h.cluster.get('VirtualService', NS, DEMO_VIRTUAL_SERVICE))).toBe(10);
      await apply(h);
      await h.settle();
      expect((await h.rollout()).status?.currentStepIndex).toBeGreaterThanOrEqual(1);
      await h.advance(20_000);
      const done = (await h.rollout()).status;
      expect([done?.phase, done?.stableRS === done?.currentPodHash, done?.pauseConditions ?? []]).toEqual([
        'Healthy',
        true,
        [],
      ]);
      expect((await h.condition())?.status).toBe('True');
      const changes = [
        ...(await h.events('TrafficPathsInconsistent')),
        ...(await h.events('TrafficPathsConsistent')),
      ];
      expect(changes.map((e) => [e.type, e.count])).toEqual([
        ['Warning', 1],
        ['Normal', 1],
      ]);
      expect((await h.events('RolloutResumed')).length).toBeGreaterThanOrEqual(1);
    },
  );

  it('opens when the tolerance covers the divergence', async () => {
    const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'enforce', [PATH_TOLERANCE_ANNOTATION]: '0.5' });
    await startCanary(h);
    expect((await h.rollout()).status?.currentStepIndex).toBe(1);
    expect((await h.condition())?.status).toBe('True');
  });
});
