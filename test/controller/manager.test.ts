import { afterEach, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../src/controller/manager.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { NS } from '../kube/fixtures.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const managers: ControllerManager[] = [];

async function startManager(options: { leaderElect?: boolean } = {}) {
  const cluster = new MemoryCluster();
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const obj of [service('web'), virtualService('subset'), destinationRule(), subsetRollout()]) {
    await cluster.create(obj.kind as 'Service', obj as never);
  }
  const manager = new ControllerManager({
    cluster,
    logger: silent,
    metricsPort: 0,
    healthzPort: 0,
    workers: 2,
    leaseNamespace: NS,
    ...options,
  });
  managers.push(manager);
  const ports = await manager.start();
  return { cluster, manager, ports };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
});

describe('ControllerManager', () => {
  it('serves /readyz, /healthz and /metrics with Argo metric names, and reconciles', async () => {
    const { cluster, ports } = await startManager();
    const get = (port: number | undefined, path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    await waitFor(
      async () => ((await get(ports.healthzPort, '/readyz')).status === 200 ? true : undefined),
      'readyz',
    );
    expect((await get(ports.healthzPort, '/healthz')).status).toBe(200);
    await waitFor(
      async () => ((await cluster.get('Rollout', NS, 'web')).status?.phase ? true : undefined),
      'status',
    );
    const text = await (await get(ports.metricsPort, '/metrics')).text();
    for (const name of [
      'rollout_info{namespace="shop",name="web",strategy="canary",traffic_router="Istio",phase=',
      'rollout_info_replicas_desired{namespace="shop",name="web"} 10',
      'rollout_reconcile_bucket',
      'rollout_events_total{namespace="shop",name="web",type="Normal",reason="ScalingReplicaSet"} 1',
      'controller_clientset_k8s_request_total{kind="ReplicaSet",namespace="shop",verb="create",status_code="201"} 1',
      'truesplit_workqueue_depth',
      'truesplit_reconcile_duration_seconds_bucket',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toMatch(/controller_clientset_k8s_request_total\{[^}]*name=/);
  });

  it('with --leader-elect holds the Lease and reconciles only as leader', async () => {
    const { cluster, manager } = await startManager({ leaderElect: true });
    const lease = await waitFor(async () => (await cluster.list('Lease')).items[0], 'lease');
    expect(lease.metadata.name).toBe('truesplit-controller-lock');
    await waitFor(
      async () => ((await cluster.get('Rollout', NS, 'web')).status?.phase ? true : undefined),
      'status',
    );
    expect(manager.health().leader).toBe(true);
    await manager.stop();
    expect((await cluster.get('Lease', NS, 'truesplit-controller-lock')).spec.holderIdentity).toBe('');
  });
});
