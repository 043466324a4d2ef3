import { describe, expect, it } from 'vitest';
import { NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { hostRollout, service, virtualService } from './scenarios.js';

const image = (tag: string) => ({
  spec: { template: { spec: { containers: [{ name: 'web', image: tag }] } } },
});

async function hostSetup(
  steps: Parameters<typeof hostRollout>[1],
  edit: (r: ReturnType<typeof hostRollout>) => void,
) {
  const h = await startHarness();
  for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
  await h.cluster.create('VirtualService', virtualService('host'));
  const rollout = hostRollout('web:1', steps);
  edit(rollout);
  await h.cluster.create('Rollout', rollout);
  await h.settle();
  return h;
}

async function events(h: Harness, reason: string): Promise<string[]> {
  const list = await h.cluster.list('Event', { namespace: NS });
  return list.items.filter((e) => e.reason === reason).map((e) => e.message ?? '');
}

describe('controller: Argo fields', () => {
  it('revisionHistoryLimit 1: five updates leave the stable and one old ReplicaSet', async () => {
    const h = await hostSetup([{ setWeight: 50 }], (r) => (r.spec.revisionHistoryLimit = 1));
    for (let i = 2; i <= 6; i++) {
      await h.cluster.patch('Rollout', NS, 'web', image(`web:${i}`));
      await h.settle();
      await h.advance(31_000);
    }
    const rollout = await h.rollout();
    const hashes = (await h.replicaSets()).map((rs) => rs.metadata.labels?.['rollouts-pod-template-hash']);
    expect(hashes).toHaveLength(2);
    expect(hashes).toContain(rollout.status?.stableRS);
  });

  it('an experiment step holds: the VirtualService stays at the previous weight, UnsupportedStep event', async () => {
    const steps = [{ setWeight: 20 }, { experiment: { templates: [] } }, { setWeight: 60 }];
    const h = await hostSetup(steps, () => undefined);
    await h.cluster.patch('Rollout', NS, 'web', image('web:2'));
    await h.settle();
    await h.advance(3_600_000);
    const rollout = await h.rollout();
    const route =
      (await h.virtualService('web-vs')).spec.http?.find((r) => r.name === 'primary')?.route ?? [];
    expect(route.map((d) => d.weight)).toEqual([80, 20]);
    expect([rollout.status?.currentStepIndex, rollout.status?.phase]).toEqual([1, 'Paused']);
    expect(await events(h, 'UnsupportedStep')).toEqual([
      expect.stringMatching(/^spec\.strategy\.canary\.steps\[1\]\.experiment is not supported by truesplit/),
    ]);
  });
});
