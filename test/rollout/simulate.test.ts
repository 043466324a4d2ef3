import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/rollout.js';
import { simulateRollout } from '../../src/rollout/simulate.js';
import { makeRollout } from './harness.js';

const hostLevel = makeRollout({
  steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10m' } }],
});
const basic = makeRollout({
  replicas: 5,
  traffic: 'none',
  steps: [{ setWeight: 41 }, { pause: { duration: 30 } }, { setWeight: 80 }, { pause: {} }],
});
const subsetDynamic = makeRollout({
  replicas: 4,
  traffic: 'subset',
  steps: [
    { setCanaryScale: { replicas: 1 } },
    { setWeight: 25 },
    { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } },
    { pause: {} },
    { setCanaryScale: { matchTrafficWeight: true } },
    { setWeight: 75 },
    { analysis: { templates: [{ templateName: 'success-rate' }] } },
  ],
  canary: {
    dynamicStableScale: true,
    minPodsPerReplicaSet: 2,
    trafficRouting: { managedRoutes: [{ name: 'beta' }] },
  },
});

describe('simulateRollout golden files', () => {
  it.each([
    { name: 'host-level-istio', rollout: hostLevel },
    { name: 'basic-canary', rollout: basic },
    { name: 'subset-dynamic', rollout: subsetDynamic },
  ])('$name', async ({ name, rollout }) => {
    const entries = simulateRollout(rollout);
    expect(entries.map((e) => e.index)).toEqual([
      ...Array((rollout.spec.strategy.canary?.steps ?? []).length + 1).keys(),
    ]);
    await expect(JSON.stringify(entries, null, 2) + '\n').toMatchFileSnapshot(
      `../golden/rollout/simulate-${name}.json`,
    );
  });
});

describe('simulateRollout', () => {
  it('reports each step once reached and a promoted final entry', () => {
    const entries = simulateRollout(hostLevel);
    const summary = entries.map((e) => [
      e.index,
      e.canaryWeight,
      e.stableWeight,
      e.replicas.canary,
      e.replicas.stable,
      e.status.phase,
    ]);
    expect(summary).toEqual([
      [0, 20, 80, 2, 10, 'Progressing'],
      [1, 20, 80, 2, 10, 'Paused'],
      [2, 50, 50, 5, 10, 'Progressing'],
      [3, 50, 50, 5, 10, 'Paused'],
      [4, 0, 100, 0, 10, 'Healthy'],
    ]);
    expect(entries[4]?.step).toBeNull();
    expect(entries[0]?.traffic).toMatchObject({ canaryWeight: 20 });
  });

  it('ends like the issue example for one replica and two steps', () => {
    const rollout = makeRollout({ replicas: 1, steps: [{ setWeight: 50 }, { pause: {} }] });
    const last = simulateRollout(rollout).at(-1);
    expect({
      index: last?.index,
      step: last?.step,
      canaryWeight: last?.canaryWeight,
      stableWeight: last?.stableWeight,
      replicas: last?.replicas,
    }).toEqual({
      index: 2,
      step: null,
      canaryWeight: 0,
      stableWeight: 100,
      replicas: { stable: 1, canary: 0 },
    });
  });

  it('starts from a given stable ReplicaSet', () => {
    const previous = simulateRollout(hostLevel);
    const stableHash = previous[0]?.status.stableRS ?? '';
    const stable = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet' as const,
      metadata: {
        name: `web-${stableHash}`,
        labels: { app: 'web', 'rollouts-pod-template-hash': stableHash },
        annotations: { 'rollout.argoproj.io/revision': '1' },
      },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:0' }] },
        },
      },
    };
    const entries = simulateRollout(hostLevel, { previousStable: stable });
    expect(entries.map((e) => e.canaryWeight)).toEqual([20, 20, 50, 50, 0]);
    expect(entries[0]?.status.stableRS).toBe(stableHash);
  });

  it.each([
    { name: 'timed pause', pause: { duration: '10s' } },
    { name: 'untimed pause', pause: {} },
  ])('simulates background analysis as succeeding: only the pause step pauses: $name', ({ pause }) => {
    const rollout = makeRollout({
      replicas: 4,
      steps: [{ setWeight: 25 }, { pause }, { setWeight: 50 }],
      canary: { analysis: { templates: [{ templateName: 'success-rate' }], startingStep: 1 } },
    });
    const entries = simulateRollout(rollout);
    expect(entries.map((e) => [e.index, e.canaryWeight, e.status.phase])).toEqual([
      [0, 25, 'Progressing'],
      [1, 25, 'Paused'],
      [2, 50, 'Progressing'],
      [3, 0, 'Healthy'],
    ]);
    const held = entries.map((e) => e.status.conditions?.find((c) => c.type === 'UnsupportedSpec'));
    expect(held).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('fails clearly when it cannot converge', () => {
    expect(() => simulateRollout(hostLevel, { maxIterations: 5 })).toThrow(
      'Rollout web: simulation did not converge within 5 reconciles',
    );
  });

  it('does not modify its input', () => {
    const input: Rollout = structuredClone(hostLevel);
    simulateRollout(input);
    expect(input).toEqual(hostLevel);
  });
});
