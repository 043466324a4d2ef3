/**
 * Path truth in the running controller, end states only: the seed's broken demo (VirtualService bound only to the
 * gateway, hosts ["*"], injected namespace) against the in-memory cluster with the real planner and Istio router.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../src/api/istio.js';
import { PATH_GATE_ANNOTATION, PATH_TOLERANCE_ANNOTATION } from '../../src/api/labels.js';
import { applyFix } from '../../src/sandbox/demo-fixes.js';
import {
  DEMO_GATEWAY,
  DEMO_NAMESPACE as NS,
  DEMO_ROLLOUT as NAME,
  DEMO_VIRTUAL_SERVICE,
} from '../../src/sandbox/demo.js';
import { startCanary, startDemo, type PathHarness } from './path-harness.js';

const FQDN = `${NAME}.${NS}.svc.cluster.local`;

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
