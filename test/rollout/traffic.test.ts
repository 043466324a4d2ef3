import { describe, expect, it } from 'vitest';
import { MANAGED_BY_ANNOTATION } from '../../src/api/labels.js';
import type { CanaryStep } from '../../src/api/rollout.js';
import { Driver, makeRollout, updating } from './harness.js';

const header: CanaryStep = {
  setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] },
};
const mirror: CanaryStep = {
  setMirrorRoute: { name: 'shadow', match: [{ method: { exact: 'GET' } }], percentage: 50 },
};
const managedRoutes = [{ name: 'beta' }, { name: 'shadow' }];
const routing = { istio: { virtualService: { name: 'web', routes: ['primary'] } }, managedRoutes };

describe('managed header and mirror routes', () => {
  it('are active once their steps are reached and removed on full promotion', () => {
    const steps = [
      { setWeight: 10 },
      header,
      mirror,
      { pause: {} },
      { setHeaderRoute: { name: 'beta' } },
      { pause: {} },
    ];
    const { d } = updating(makeRollout({ steps, canary: { trafficRouting: routing } }));
    d.settle();
    expect(d.last.traffic?.managedRoutes.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'header:beta',
      'mirror:shadow',
    ]);
    expect(d.eventsWith('RolloutStepCompleted')).toContain('Rollout step 2/6 completed (setHeaderRoute)');
    d.promote();
    d.settle();
    expect(d.last.traffic?.managedRoutes.map((r) => r.name)).toEqual(['shadow']);
    d.promote();
    d.settle();
    expect(d.status.stableRS).toBe(d.status.currentPodHash);
    expect(d.last.traffic?.managedRoutes).toEqual([]);
  });

  it('are removed on abort', () => {
    const { d } = updating(
      makeRollout({ steps: [{ setWeight: 10 }, header, { pause: {} }], canary: { trafficRouting: routing } }),
    );
    d.settle();
    expect(d.last.traffic?.managedRoutes).toHaveLength(1);
    d.abort();
    d.step();
    expect(d.last.traffic?.managedRoutes).toEqual([]);
  });

  it('are not applied on the first revision', () => {
    const d = new Driver(
      makeRollout({ steps: [header, { pause: {} }], canary: { trafficRouting: routing } }),
    );
    d.step();
    expect(d.last.traffic?.managedRoutes).toEqual([]);
  });
});

describe('Service selector switching', () => {
  it('first adoption waits for a fully available ReplicaSet', () => {
    const { d, v1, v2 } = updating(makeRollout({ steps: [{ setWeight: 50 }, { pause: {} }] }));
    for (const svc of d.cluster.services) delete svc.metadata.annotations;
    d.cluster.services.find((s) => s.metadata.name === 'web-canary')!.spec.selector![
      'rollouts-pod-template-hash'
    ] = v1;
    d.availableCap.set(v2, 1);
    d.settle();
    expect(d.serviceHash('web-canary')).toBe(v1);
    d.availableCap.delete(v2);
    d.settle();
    expect(d.serviceHash('web-canary')).toBe(v2);
    expect(
      d.cluster.services.find((s) => s.metadata.name === 'web-canary')?.metadata.annotations?.[
        MANAGED_BY_ANNOTATION
      ],
    ).toBe('web');
    expect(d.eventsWith('SwitchService')).toContain(
      `Switched selector for service 'web-canary' from '${v1}' to '${v2}'`,
    );
  });

  it('a managed Service switches once one pod is available', () => {
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 50 }, { pause: {} }] }));
    d.availableCap.set(v2, 1);
    d.settle();
    expect(d.serviceHash('web-canary')).toBe(v2);
  });
});

describe('subset mode (no Services)', () => {
  it('delays the hash switch while a canary/stable ReplicaSet is partly available, holding weight and steps', () => {
    const { d, v2 } = updating(makeRollout({ traffic: 'subset', steps: [{ setWeight: 50 }, { pause: {} }] }));
    d.availableCap.set(v2, 3);
    d.settle();
    expect(d.last.traffic).toMatchObject({ delayHashSwitch: `web-${v2}`, canaryWeight: 0 });
    expect(d.status.currentStepIndex).toBe(0);
    expect(d.last.requeueAfterMs).toBeLessThanOrEqual(10_000);
    d.availableCap.delete(v2);
    d.settle();
    expect(d.last.traffic?.delayHashSwitch).toBeUndefined();
    expect([d.canaryWeight, d.status.currentStepIndex]).toEqual([50, 1]);
  });

  it('never delays when Services are set', () => {
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 50 }, { pause: {} }] }));
    d.availableCap.set(v2, 3);
    d.settle();
    expect(d.last.traffic?.delayHashSwitch).toBeUndefined();
  });
});

describe('dynamicStableScale', () => {
  const dynamic = { dynamicStableScale: true };

  it('shrinks stable one pass after traffic left it and scales the old stable down at promotion', () => {
    const { d, v1, v2 } = updating(
      makeRollout({
        steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }],
        canary: dynamic,
      }),
    );
    const seen: [number, number, number | undefined][] = [];
    for (let i = 0; i < 8; i++) {
      d.step();
      seen.push([d.replicasOf(v2), d.replicasOf(v1), d.canaryWeight]);
    }
    expect(seen.slice(0, 4)).toEqual([
      [3, 10, 0],
      [3, 10, 30],
      [3, 7, 30],
      [3, 7, 30],
    ]);
    d.promote();
    d.settle();
    expect([d.replicasOf(v2), d.replicasOf(v1), d.canaryWeight]).toEqual([6, 4, 60]);
    d.promote();
    d.settle();
    expect([d.status.stableRS, d.replicasOf(v2), d.replicasOf(v1)]).toEqual([v2, 10, 0]);
  });

  it('abort: stable grows first, weight steps down as stable becomes available, canary drains with traffic', () => {
    const { d, v1, v2 } = updating(
      makeRollout({ steps: [{ setWeight: 60 }, { pause: {} }], canary: dynamic }),
    );
    d.settle();
    expect([d.replicasOf(v2), d.replicasOf(v1), d.canaryWeight]).toEqual([6, 4, 60]);
    d.abort();
    d.availableCap.set(v1, 4);
    d.step();
    d.step();
    expect([d.replicasOf(v1), d.canaryWeight, d.replicasOf(v2)]).toEqual([10, 60, 6]);
    d.availableCap.set(v1, 7);
    d.step();
    expect(d.canaryWeight).toBe(30);
    expect(d.serviceHash('web-canary')).toBe(v2);
    d.availableCap.delete(v1);
    d.settle();
    expect([d.canaryWeight, d.replicasOf(v2), d.replicasOf(v1)]).toEqual([0, 0, 10]);
    expect(d.serviceHash('web-canary')).toBe(v1);
  });

  it('reverting the template steps traffic back as the stable scales up (dynamic rollback)', () => {
    const { d, v1, v2 } = updating(
      makeRollout({ steps: [{ setWeight: 60 }, { pause: {} }], canary: dynamic }),
    );
    d.settle();
    d.setImage('web:1');
    d.availableCap.set(v1, 4);
    d.step();
    d.step();
    d.step();
    expect(d.last.traffic).toMatchObject({ canaryHash: v2, canaryWeight: 60 });
    expect(d.replicasOf(v2)).toBe(6);
    d.availableCap.delete(v1);
    d.settle();
    expect([d.canaryWeight, d.replicasOf(v2), d.replicasOf(v1), d.status.phase]).toEqual([
      0,
      0,
      10,
      'Healthy',
    ]);
  });

  it('promote --full raises weight with canary availability', () => {
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 20 }, { pause: {} }], canary: dynamic }));
    d.settle();
    d.promoteFull();
    d.availableCap.set(v2, 5);
    d.step();
    d.step();
    expect(d.canaryWeight).toBe(50);
  });
});

describe('stable availability guard', () => {
  it('keeps the recorded weight while stable cannot take its share', () => {
    const { d, v1 } = updating(
      makeRollout({ steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] }),
    );
    d.settle();
    d.availableCap.set(v1, 3);
    d.promote();
    d.settle();
    expect(d.canaryWeight).toBe(20);
    expect(d.status.currentStepIndex).toBe(2);
    d.availableCap.delete(v1);
    d.settle();
    expect([d.canaryWeight, d.status.currentStepIndex]).toEqual([50, 3]);
  });
});
