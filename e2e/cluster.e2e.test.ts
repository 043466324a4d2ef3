/**
 * Smoke test of the e2e control plane: a Deployment's pods become Ready
 * (KCM + pod-ready helper) and the real Istio VirtualService CRD validates.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from './cluster/control-plane.ts';
import { startControlPlane } from './cluster/control-plane.ts';
import { NODE_NAME } from './cluster/pod-ready-helper.ts';

const ns = 'default';
let plane: ControlPlane;
let kc: k8s.KubeConfig;

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  plane = await startControlPlane({ log: (msg) => console.log(`control plane: ${msg}`) });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
});

afterAll(async () => {
  await plane?.stop();
});

describe('e2e control plane', () => {
  it('serves the pinned Kubernetes version and the Istio CRDs', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.34\./);
    expect(plane.crds).toContain('virtualservices.networking.istio.io');
    expect(plane.crds).toContain('destinationrules.networking.istio.io');
  });

  it('runs a Deployment until its ReplicaSet reports 2 ready replicas', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const labels = { app: 'smoke' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'smoke' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'registry.example/smoke:1' }] },
          },
        },
      },
    });
    const rs = await eventually('2 ready replicas', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=smoke' });
      return list.items.find((r) => r.status?.readyReplicas === 2);
    });
    expect(rs.metadata?.ownerReferences?.[0]?.name).toBe('smoke');

    const pods = await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedPod({ namespace: ns, labelSelector: 'app=smoke' });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toBe(NODE_NAME);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
    }
  });

  it('validates VirtualServices against the real Istio schema', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const target = { group: 'networking.istio.io', version: 'v1', namespace: ns, plural: 'virtualservices' };
    const route = (weight: number, subset: string) => ({ destination: { host: 'smoke', subset }, weight });
    const created = (await custom.createNamespacedCustomObject({
      ...target,
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'smoke' },
        spec: { hosts: ['smoke'], http: [{ route: [route(90, 'stable'), route(10, 'canary')] }] },
      },
    })) as { spec: { http: { route: { weight: number }[] }[] } };
    expect(created.spec.http[0]?.route.map((r) => r.weight)).toEqual([90, 10]);

    const invalid = custom.createNamespacedCustomObject({
      ...target,
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'smoke-invalid' },
        spec: { hosts: ['smoke'], http: [{ route: [{ destination: { host: 'smoke' }, weight: 'ten' }] }] },
      },
    });
    await expect(invalid).rejects.toMatchObject({ code: 422 });
  });
});
