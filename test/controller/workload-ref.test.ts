/** workloadRef through the real controller: the Deployment's template is read, watched, and scaled down. */
import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../src/api/workloads.js';
import type { NewObject } from '../../src/kube/cluster.js';
import { NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { hostRollout, service, virtualService } from './scenarios.js';

function deployment(image: string): NewObject<Deployment> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

async function migrated(scaleDown: 'onsuccess' | 'progressively', createDeployment = true) {
  const h = await startHarness();
  for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
  await h.cluster.create('VirtualService', virtualService('host'));
  if (createDeployment) await h.cluster.create('Deployment', deployment('web:1'));
  const rollout = hostRollout('web:1', [{ setWeight: 50 }, { pause: {} }]);
  rollout.spec.replicas = 4;
  delete rollout.spec.template;
  delete rollout.spec.selector;
  rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown };
  await h.cluster.create('Rollout', rollout);
  await h.settle();
  return h;
}

const image = (rs: { spec: { template?: { spec?: { containers?: { image?: string }[] } } } }) =>
  rs.spec.template?.spec?.containers?.[0]?.image;

describe('controller: workloadRef', () => {
  it.each(['onsuccess', 'progressively'] as const)(
    'scaleDown %s: the Deployment is scaled to 0 once the Rollout took over; its template changes are revisions',
    async (scaleDown) => {
      const h = await migrated(scaleDown);
      const rollout = await h.rollout();
      expect(rollout.status?.phase).toBe('Healthy');
      const scaled = await h.cluster.get('Deployment', NS, 'web');
      expect(rollout.status?.workloadObservedGeneration).toBe(String(scaled.metadata.generation));
      expect((await h.replicaSets()).map(image)).toEqual(['web:1']);
      expect(scaled.spec.replicas).toBe(0);
      await h.cluster.patch('Deployment', NS, 'web', {
        spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
      });
      await h.settle();
      const after = await h.rollout();
      expect((await h.replicaSets()).map(image).sort()).toEqual(['web:1', 'web:2']);
      expect(after.status?.currentStepIndex).toBe(1); // a canary of the new revision, paused at its step
      const changed = await h.cluster.get('Deployment', NS, 'web');
      expect(after.status?.workloadObservedGeneration).toBe(String(changed.metadata.generation));
      expect(changed.spec.replicas).toBe(0);
    },
  );

  it('a missing Deployment: InvalidSpec naming it, then resolved when it appears', async () => {
    const h = await migrated('onsuccess', false);
    const invalid = (await h.rollout()).status?.conditions?.find((c) => c.type === 'InvalidSpec');
    expect(invalid?.message).toBe('spec.workloadRef: Deployment "web" not found');
    expect(await h.replicaSets()).toEqual([]);
    await h.cluster.create('Deployment', deployment('web:1'));
    await h.settle();
    const rollout = await h.rollout();
    expect(rollout.status?.conditions?.some((c) => c.type === 'InvalidSpec')).toBe(false);
    expect((await h.replicaSets()).map(image)).toEqual(['web:1']);
  });
});

/** A ReplicaSet made by hand (no owner, no rollouts-pod-template-hash), its labels matching the selector. */
function standaloneReplicaSet(image: string): NewObject<ReplicaSet> {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-legacy', namespace: NS, labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

async function fromReplicaSet(scaleDown?: 'progressively') {
  const h = await startHarness();
  for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
  await h.cluster.create('VirtualService', virtualService('host'));
  await h.cluster.create('ReplicaSet', standaloneReplicaSet('web:1'));
  const rollout = hostRollout('web:1', [{ setWeight: 50 }, { pause: {} }]);
  rollout.spec.replicas = 4;
  delete rollout.spec.template;
  delete rollout.spec.selector;
  rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-legacy' };
  if (scaleDown) rollout.spec.workloadRef.scaleDown = scaleDown;
  await h.cluster.create('Rollout', rollout);
  await h.settle();
  return h;
}

describe('controller: workloadRef to a ReplicaSet (ADR 0221)', () => {
  it('its template is read and watched; it is never adopted or scaled', async () => {
    const h = await fromReplicaSet();
    const rollout = await h.rollout();
    expect(rollout.status?.phase).toBe('Healthy');
    const byName = async () =>
      Object.fromEntries(
        (await h.replicaSets()).map((rs) => [rs.metadata.name, [image(rs), rs.spec.replicas]]),
      );
    expect(await byName()).toEqual({
      'web-legacy': ['web:1', 3],
      [`web-${rollout.status?.stableRS ?? ''}`]: ['web:1', 4],
    });
    const legacy = await h.cluster.get('ReplicaSet', NS, 'web-legacy');
    expect(legacy.metadata.ownerReferences ?? []).toEqual([]);
    await h.cluster.patch('ReplicaSet', NS, 'web-legacy', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await h.settle();
    const after = await h.rollout();
    expect(after.status?.currentStepIndex).toBe(1);
    expect(
      Object.values(await byName())
        .map(([img]) => img)
        .sort(),
    ).toEqual(['web:1', 'web:2', 'web:2']); // the Rollout's two revisions, and web-legacy as patched
  });

  it('scaleDown on a ReplicaSet: IgnoredFields names it, the ReplicaSet keeps its replicas', async () => {
    const h = await fromReplicaSet('progressively');
    const rollout = await h.rollout();
    expect(rollout.status?.phase).toBe('Healthy');
    const ignored = rollout.status?.conditions?.find((c) => c.type === 'IgnoredFields');
    expect(ignored?.message).toContain('spec.workloadRef.scaleDown is not supported by truesplit');
    expect((await h.cluster.get('ReplicaSet', NS, 'web-legacy')).spec.replicas).toBe(3);
  });
});
