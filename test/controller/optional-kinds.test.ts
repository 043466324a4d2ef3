/**
 * Only the core informers gate reconciling. A path-model kind that answers 404 (CRD not installed) or 403 (RBAC)
 * leaves the controller ready and reconciling, with a crd-missing / rbac-forbidden warning in the path condition;
 * liveness follows the process, not the informers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../src/controller/manager.js';
import type { KindName } from '../../src/kube/cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { RolloutController } from '../../src/controller/controller.js';
import { defaultPlanning } from '../../src/controller/planning.js';
import { flush, newCluster, NS } from '../kube/fixtures.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const managers: ControllerManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
});

const CASES: { kind: KindName; code: number; finding: string }[] = [
  { kind: 'Sidecar', code: 404, finding: 'crd-missing' },
  { kind: 'Gateway', code: 404, finding: 'crd-missing' },
  { kind: 'PeerAuthentication', code: 403, finding: 'rbac-forbidden' },
  { kind: 'Namespace', code: 403, finding: 'rbac-forbidden' },
];

function refuse(cluster: MemoryCluster, kind: KindName, code: number): void {
  cluster.faultInjector = (op) =>
    op.kind === kind && (op.verb === 'list' || op.verb === 'watch')
      ? KubeApiError.fromCode(code, `${kind} refused`)
      : undefined;
}

async function get(port: number | undefined, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Stands in for kube-controller-manager: every ReplicaSet's pods are ready. */
async function markReady(cluster: MemoryCluster): Promise<void> {
  for (const rs of (await cluster.list('ReplicaSet', { namespace: NS })).items) {
    const replicas = rs.spec.replicas ?? 0;
    if (rs.status?.readyReplicas === replicas) continue;
    const status = { replicas, readyReplicas: replicas, availableReplicas: replicas };
    await cluster.updateStatus('ReplicaSet', { ...rs, status });
  }
}

describe('optional kinds', () => {
  it.each(CASES)('$kind answering $code: ready, reconciling', async ({ kind, code, finding }) => {
    const cluster = new MemoryCluster();
    refuse(cluster, kind, code);
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    for (const obj of [service('web'), virtualService('subset'), destinationRule(), subsetRollout()])
      await cluster.create(obj.kind as 'Service', obj as never);
    const warnings: [string, unknown][] = [];
    const logger = {
      ...silent,
      warn: (o: object, msg: string) => warnings.push([msg, (o as { finding?: string }).finding]),
    };
    const manager = new ControllerManager({ cluster, logger, healthzPort: 0, workers: 1 });
    managers.push(manager);
    const ports = await manager.start();
    await eventually(
      async () => ((await get(ports.healthzPort, '/readyz')).status === 200 ? true : undefined),
      'ready',
    );
    const phase = await eventually(
      async () => (await cluster.get('Rollout', NS, 'web')).status?.phase,
      'status',
    );
    expect(phase).toBeDefined();
    expect(manager.controller.unavailableKinds()).toEqual([
      { kind, reason: code === 404 ? 'not-found' : 'forbidden' },
    ]);
    expect((await get(ports.healthzPort, '/healthz')).status).toBe(200);
    expect(warnings).toContainEqual(['optional kind unavailable, path model degraded', finding]);
  });

  it.each(CASES)(
    '$kind answering $code: the path condition warns $finding',
    async ({ kind, code, finding }) => {
      const { cluster, clock } = await newCluster();
      refuse(cluster, kind, code);
      const controller = new RolloutController({ cluster, clock, planning: defaultPlanning });
      controller.startInformers();
      for (const obj of [service('web'), virtualService('subset'), destinationRule(), subsetRollout()])
        await cluster.create(obj.kind as 'Service', obj as never);
      for (let round = 0; round < 4; round++) {
        await flush();
        await controller.processKey(`${NS}/web`);
        await markReady(cluster);
      }
      const conditions = (await cluster.get('Rollout', NS, 'web')).status?.conditions ?? [];
      const paths = conditions.find((c) => c.message?.includes('traffic paths'));
      expect(paths?.message).toContain(`Warnings: ${finding}`);
      controller.stop();
    },
  );

  it('liveness ignores a stopped informer; readiness reports it', async () => {
    const cluster = new MemoryCluster();
    const manager = new ControllerManager({ cluster, logger: silent, healthzPort: 0 });
    managers.push(manager);
    const ports = await manager.start();
    await eventually(
      async () => ((await get(ports.healthzPort, '/readyz')).status === 200 ? true : undefined),
      'ready',
    );
    manager.controller.informers.virtualServices.stop();
    expect([await get(ports.healthzPort, '/healthz'), await get(ports.healthzPort, '/readyz')]).toEqual([
      { status: 200, body: 'ok\n' },
      { status: 200, body: 'ok (informers not healthy: virtualServices)\n' },
    ]);
  });
});
