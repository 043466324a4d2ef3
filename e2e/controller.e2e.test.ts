/**
 * The controller on a real control plane: the Cluster port's semantics checked against kube-apiserver (the same
 * promises the in-memory cluster makes), then a subset-level Istio canary driven end to end by `ControllerManager`
 * over @kubernetes/client-node, with real ReplicaSets, pods (KCM + pod-ready helper) and the real Istio CRDs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualService } from '../src/api/istio.js';
import type { Rollout } from '../src/api/rollout.js';
import { ControllerManager } from '../src/controller/manager.js';
import { ClientCluster } from '../src/kube/client-cluster.js';
import type { Cluster } from '../src/kube/cluster.js';
import { KubeApiError } from '../src/kube/errors.js';
import { loadKubeConfig } from '../src/kube/kubeconfig.js';
import type { ControlPlane } from './cluster/control-plane.ts';
import { startControlPlane } from './cluster/control-plane.ts';

const NS = 'shop';
let plane: ControlPlane;
let cluster: Cluster;

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function failure(call: Promise<unknown>): Promise<KubeApiError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof KubeApiError)) throw new Error(`expected a KubeApiError, got ${String(err)}`);
  return err;
}

function rollout(image: string): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      strategy: {
        canary: {
          steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '2s' } }],
          scaleDownDelaySeconds: 1,
          trafficRouting: {
            istio: {
              virtualService: { name: 'web-vs', routes: ['primary'] },
              destinationRule: { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
            },
          },
        },
      },
    },
  };
}

function weights(vs: VirtualService): string {
  return (vs.spec.http?.[0]?.route ?? []).map((d) => `${d.destination.subset}:${d.weight}`).join(',');
}

beforeAll(async () => {
  plane = await startControlPlane({ log: (msg) => console.log(`control plane: ${msg}`) });
  cluster = new ClientCluster(loadKubeConfig({ kubeconfig: plane.kubeconfigPath }));
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});

afterAll(async () => {
  await plane?.stop();
});

describe('Cluster port on kube-apiserver', () => {
  it('keeps the API semantics the in-memory cluster promises', async () => {
    const created = await cluster.create('Rollout', {
      ...rollout('web:0'),
      metadata: { name: 'semantics', namespace: NS },
    });
    expect(created.metadata.generation).toBe(1);
    expect(
      (
        await failure(
          cluster.create('Rollout', { ...created, metadata: { name: 'semantics', namespace: NS } }),
        )
      ).reason,
    ).toBe('AlreadyExists');
    const patched = await cluster.patch('Rollout', NS, 'semantics', { spec: { replicas: 2 } });
    expect(patched.metadata.generation).toBe(2);
    expect((await failure(cluster.update('Rollout', created))).code).toBe(409);
    const { resourceVersion: _rv, ...noRv } = patched.metadata;
    expect((await failure(cluster.update('Rollout', { ...patched, metadata: noRv }))).code).toBe(422);
    const withStatus = await cluster.updateStatus('Rollout', {
      ...patched,
      spec: { ...patched.spec, replicas: 9 },
      status: { phase: 'Paused' },
    });
    expect([withStatus.spec.replicas, withStatus.status?.phase, withStatus.metadata.generation]).toEqual([
      2,
      'Paused',
      2,
    ]);
    const viaMain = await cluster.update('Rollout', { ...withStatus, status: { phase: 'Healthy' } });
    expect(viaMain.status?.phase).toBe('Paused');
    expect((await failure(cluster.get('Rollout', NS, 'absent'))).code).toBe(404);
    await cluster.delete('Rollout', NS, 'semantics');
  });
});

describe('controller on a real control plane', () => {
  it('drives a subset-level Istio canary to completion', async () => {
    await cluster.create('Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await cluster.create('VirtualService', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web-vs', namespace: NS },
      spec: {
        hosts: ['web'],
        http: [
          {
            name: 'primary',
            route: [
              { destination: { host: 'web', subset: 'stable' }, weight: 100 },
              { destination: { host: 'web', subset: 'canary' }, weight: 0 },
            ],
          },
        ],
      },
    });
    await cluster.create('DestinationRule', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web-dr', namespace: NS },
      spec: {
        host: 'web',
        subsets: [
          { name: 'stable', labels: { app: 'web' } },
          { name: 'canary', labels: { app: 'web' } },
        ],
      },
    });
    await cluster.create('Rollout', rollout('web:1'));
    const logger = {
      info: () => undefined,
      warn: (o: object, m: string) => console.log('warn', m, o),
      error: (o: object, m: string) => console.log('error', m, o),
    };
    const manager = new ControllerManager({
      cluster,
      logger,
      leaderElect: true,
      leaseNamespace: NS,
      metricsPort: 0,
      healthzPort: 0,
      workers: 4,
    });
    await manager.start();
    try {
      const v1 = await eventually('Healthy v1', async () => {
        const r = await cluster.get('Rollout', NS, 'web');
        return r.status?.phase === 'Healthy' && r.status.stableRS ? r.status.stableRS : undefined;
      });
      await cluster.patch('Rollout', NS, 'web', {
        spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
      });
      await eventually('paused at 25%', async () => {
        const r = await cluster.get('Rollout', NS, 'web');
        const vs = await cluster.get('VirtualService', NS, 'web-vs');
        return r.status?.phase === 'Paused' && weights(vs) === 'stable:75,canary:25' ? true : undefined;
      });
      const edited = await cluster.get('VirtualService', NS, 'web-vs');
      edited.spec.http![0]!.route = edited.spec.http![0]!.route!.map((d) => ({
        ...d,
        weight: d.destination.subset === 'stable' ? 100 : 0,
      }));
      edited.spec.http![0]!.timeout = '5s';
      await cluster.update('VirtualService', edited);
      await eventually('the foreign weight edit reverted, the user field kept', async () => {
        const vs = await cluster.get('VirtualService', NS, 'web-vs');
        return weights(vs) === 'stable:75,canary:25' && vs.spec.http?.[0]?.timeout === '5s'
          ? true
          : undefined;
      });
      const v2 = (await cluster.get('Rollout', NS, 'web')).status?.currentPodHash;
      const dr = await cluster.get('DestinationRule', NS, 'web-dr');
      expect(dr.spec.subsets?.map((s) => s.labels?.['rollouts-pod-template-hash'])).toEqual([v1, v2]);
      await cluster.patch(
        'Rollout',
        NS,
        'web',
        { status: { pauseConditions: null } },
        { subresource: 'status' },
      );
      await eventually('Healthy v2 with the old ReplicaSet scaled to 0', async () => {
        const r = await cluster.get('Rollout', NS, 'web');
        const old = (
          await cluster.list('ReplicaSet', {
            namespace: NS,
            labelSelector: `rollouts-pod-template-hash=${v1}`,
          })
        ).items[0];
        return r.status?.phase === 'Healthy' && r.status.stableRS === v2 && old?.spec.replicas === 0
          ? true
          : undefined;
      });
      expect(weights(await cluster.get('VirtualService', NS, 'web-vs'))).toBe('stable:100,canary:0');
      const pods = (
        await cluster.list('Pod', { namespace: NS, labelSelector: `rollouts-pod-template-hash=${v2}` })
      ).items;
      expect(pods.length).toBe(4);
      expect(manager.health()).toMatchObject({ healthy: true, ready: true, leader: true });
    } finally {
      await manager.stop();
    }
  });
});
