import { describe, expect, it } from 'vitest';
import {
  MANAGED_BY_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
} from '../../src/api/labels.js';
import type { VirtualService } from '../../src/api/istio.js';
import { NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { destinationRule, hostRollout, service, subsetRollout, virtualService } from './scenarios.js';

const IMAGE_V2 = { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } };

/** canary/stable weight pairs of the `primary` route, by destination subset or host. */
function primaryWeights(vs: VirtualService): Record<string, number> {
  const route = vs.spec.http?.find((r) => r.name === 'primary')?.route ?? [];
  return Object.fromEntries(route.map((d) => [d.destination.subset ?? d.destination.host, d.weight ?? 0]));
}

async function replicaCounts(h: Harness): Promise<Record<string, number>> {
  return Object.fromEntries(
    (await h.replicaSets()).map((rs) => [
      rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
      rs.spec.replicas ?? 0,
    ]),
  );
}

async function subsetLabels(h: Harness): Promise<Record<string, string | undefined>> {
  const dr = await h.destinationRule('web-dr');
  return Object.fromEntries(
    (dr.spec.subsets ?? []).map((s) => [s.name, s.labels?.[POD_TEMPLATE_HASH_LABEL]]),
  );
}

async function promote(h: Harness): Promise<void> {
  await h.cluster.patch(
    'Rollout',
    NS,
    'web',
    { status: { pauseConditions: null } },
    { subresource: 'status' },
  );
  await h.settle();
}

async function subsetCanaryAtFirstPause(): Promise<{ h: Harness; v1: string; v2: string }> {
  const h = await startHarness();
  await h.cluster.create('Service', service('web'));
  await h.cluster.create('VirtualService', virtualService('subset'));
  await h.cluster.create('DestinationRule', destinationRule());
  await h.cluster.create('Rollout', subsetRollout('web:1'));
  await h.settle();
  const v1 = (await h.rollout()).status?.stableRS ?? '';
  await h.cluster.patch('Rollout', NS, 'web', IMAGE_V2);
  await h.settle();
  const v2 = (await h.rollout()).status?.currentPodHash ?? '';
  return { h, v1, v2 };
}

describe('controller end states: subset-level Istio canary', () => {
  it('walks every step: weights, DestinationRule labels, ReplicaSet scales and status', async () => {
    const { h, v1, v2 } = await subsetCanaryAtFirstPause();
    expect(v1).not.toBe(v2);
    let rollout = await h.rollout();
    expect([
      rollout.status?.phase,
      rollout.status?.currentStepIndex,
      rollout.status?.pauseConditions?.[0]?.reason,
    ]).toEqual(['Paused', 1, 'CanaryPauseStep']);
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ stable: 80, canary: 20 });
    expect(await subsetLabels(h)).toEqual({ stable: v1, canary: v2, legacy: undefined });
    expect(await replicaCounts(h)).toEqual({ [v1]: 10, [v2]: 2 });

    await promote(h);
    rollout = await h.rollout();
    expect([rollout.status?.phase, rollout.status?.currentStepIndex]).toEqual(['Paused', 3]);
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ stable: 40, canary: 60 });
    expect(await replicaCounts(h)).toEqual({ [v1]: 10, [v2]: 6 });

    await h.advance(31_000);
    rollout = await h.rollout();
    expect([rollout.status?.phase, rollout.status?.stableRS, rollout.status?.currentStepIndex]).toEqual([
      'Healthy',
      v2,
      4,
    ]);
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ stable: 100, canary: 0 });
    expect(await subsetLabels(h)).toEqual({ stable: v2, canary: v2, legacy: undefined });
    const oldRs = (await h.replicaSets()).find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === v1);
    expect(oldRs?.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION]).toBeDefined();

    await h.advance(31_000);
    expect(await replicaCounts(h)).toEqual({ [v1]: 0, [v2]: 10 });
    const dr = await h.destinationRule('web-dr');
    expect(dr.spec.trafficPolicy).toEqual(destinationRule().spec.trafficPolicy);
    expect(dr.metadata.annotations?.[MANAGED_BY_ANNOTATION]).toBe('web');
  });

  it('restores a foreign edit of the weights at once and leaves every user field alone', async () => {
    const { h } = await subsetCanaryAtFirstPause();
    const vs = await h.virtualService('web-vs');
    const primary = vs.spec.http![0]!;
    primary.route = primary.route!.map((d) => ({
      ...d,
      weight: d.destination.subset === 'stable' ? 100 : 0,
    }));
    primary.timeout = '5s';
    vs.spec.http![1]!.timeout = '9s';
    vs.metadata.labels = { team: 'shop', edited: 'by-hand' };
    await h.cluster.update('VirtualService', vs);
    await h.settle();
    const restored = await h.virtualService('web-vs');
    expect(primaryWeights(restored)).toEqual({ stable: 80, canary: 20 });
    expect([restored.spec.http?.[0]?.timeout, restored.spec.http?.[0]?.retries]).toEqual([
      '5s',
      { attempts: 3, perTryTimeout: '2s' },
    ]);
    expect(restored.spec.http?.[1]).toEqual({ ...virtualService('subset').spec.http![1], timeout: '9s' });
    expect([restored.metadata.labels, restored.spec.hosts, restored.spec.gateways]).toEqual([
      { team: 'shop', edited: 'by-hand' },
      ['web', 'web.shop.svc.cluster.local'],
      ['mesh'],
    ]);
  });

  it('abort sends all traffic to stable and scales the canary down after the delay; retry starts over', async () => {
    const { h, v1, v2 } = await subsetCanaryAtFirstPause();
    await h.cluster.patch('Rollout', NS, 'web', { status: { abort: true } }, { subresource: 'status' });
    await h.settle();
    let rollout = await h.rollout();
    expect(rollout.status?.phase).toBe('Degraded');
    expect(rollout.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('RolloutAborted');
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ stable: 100, canary: 0 });
    await h.advance(31_000);
    expect(await replicaCounts(h)).toEqual({ [v1]: 10, [v2]: 0 });

    await h.cluster.patch('Rollout', NS, 'web', { status: { abort: false } }, { subresource: 'status' });
    await h.settle();
    rollout = await h.rollout();
    expect([rollout.status?.abort ?? false, rollout.status?.currentStepIndex, rollout.status?.phase]).toEqual(
      [false, 1, 'Paused'],
    );
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ stable: 80, canary: 20 });
    expect(await replicaCounts(h)).toEqual({ [v1]: 10, [v2]: 2 });
  });
});

describe('controller end states: host-level Istio canary', () => {
  it('switches the canary and stable Services and weights the VirtualService by host', async () => {
    const h = await startHarness();
    for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
    await h.cluster.create('VirtualService', virtualService('host'));
    await h.cluster.create('Rollout', hostRollout('web:1'));
    await h.settle();
    const v1 = (await h.rollout()).status?.stableRS ?? '';
    await h.cluster.patch('Rollout', NS, 'web', IMAGE_V2);
    await h.settle();
    const v2 = (await h.rollout()).status?.currentPodHash ?? '';
    const selectors = async () =>
      Object.fromEntries(
        await Promise.all(
          ['web-stable', 'web-canary'].map(async (n): Promise<[string, string]> => {
            const svc = await h.cluster.get('Service', NS, n);
            return [
              n,
              `${svc.spec.selector?.[POD_TEMPLATE_HASH_LABEL]}|${svc.metadata.annotations?.[MANAGED_BY_ANNOTATION]}`,
            ];
          }),
        ),
      );
    expect(await selectors()).toEqual({ 'web-stable': `${v1}|web`, 'web-canary': `${v2}|web` });
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ 'web-stable': 80, 'web-canary': 20 });
    await promote(h);
    await h.advance(31_000);
    expect(await selectors()).toEqual({ 'web-stable': `${v2}|web`, 'web-canary': `${v2}|web` });
    expect(primaryWeights(await h.virtualService('web-vs'))).toEqual({ 'web-stable': 100, 'web-canary': 0 });
    expect((await h.rollout()).status?.phase).toBe('Healthy');
  });
});
