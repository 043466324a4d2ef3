import { describe, expect, it } from 'vitest';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { applyFix } from '../../src/sandbox/demo-fixes.js';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT } from '../../src/sandbox/demo.js';
import { seedDemo } from '../../src/sandbox/seed.js';

async function demoCluster() {
  const cluster = new MemoryCluster();
  await seedDemo(cluster);
  return cluster;
}

const FQDN = 'istio-rollout.rollouts-demo-istio.svc.cluster.local';

describe('applyFix', () => {
  it('mesh-binding with hosts ["*"]: adds a mesh VirtualService and lists both under the Rollout', async () => {
    const cluster = await demoCluster();
    const result = await applyFix(cluster, { code: 'mesh-binding', namespace: NS, rollout: DEMO_ROLLOUT });
    expect(result.option).toBe('bind-mesh');
    const mesh = await cluster.get('VirtualService', NS, 'istio-rollout-vsvc-mesh');
    expect(mesh.spec).toMatchObject({ gateways: ['mesh'], hosts: [FQDN], http: [{ name: 'primary' }] });
    const gatewayVs = await cluster.get('VirtualService', NS, 'istio-rollout-vsvc');
    expect(gatewayVs.spec.hosts).toEqual(['*']);
    const istio = (await cluster.get('Rollout', NS, DEMO_ROLLOUT)).spec.strategy.canary?.trafficRouting
      ?.istio;
    expect(istio?.virtualService).toBeUndefined();
    expect(istio?.virtualServices?.map((r) => r.name)).toEqual([
      'istio-rollout-vsvc',
      'istio-rollout-vsvc-mesh',
    ]);
  });

  it('mesh-binding with a named host: adds mesh and the FQDN to the same VirtualService', async () => {
    const cluster = await demoCluster();
    const vs = await cluster.get('VirtualService', NS, 'istio-rollout-vsvc');
    await cluster.update('VirtualService', { ...vs, spec: { ...vs.spec, hosts: ['demo.example.com'] } });
    await applyFix(cluster, { code: 'mesh-binding', namespace: NS, rollout: DEMO_ROLLOUT });
    expect((await cluster.get('VirtualService', NS, 'istio-rollout-vsvc')).spec).toMatchObject({
      gateways: ['istio-rollout-gateway', 'mesh'],
      hosts: ['demo.example.com', FQDN],
    });
  });

  it('refuses to apply mesh-binding twice', async () => {
    const cluster = await demoCluster();
    await applyFix(cluster, { code: 'mesh-binding', namespace: NS, rollout: DEMO_ROLLOUT });
    await expect(
      applyFix(cluster, { code: 'mesh-binding', namespace: NS, rollout: DEMO_ROLLOUT }),
    ).rejects.toThrow(/already/);
  });

  it('plain-callers, inject-callers: labels the caller namespaces for injection', async () => {
    const cluster = await demoCluster();
    const request = {
      code: 'plain-callers',
      namespace: NS,
      rollout: DEMO_ROLLOUT,
      callerNamespaces: ['legacy', '*'],
    };
    await applyFix(cluster, request);
    expect((await cluster.get('Namespace', '', 'legacy')).metadata.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it('plain-callers, pod-ratio: replicas on the 1/replicas grid of every weight and dynamicStableScale', async () => {
    const cluster = await demoCluster();
    await applyFix(cluster, {
      code: 'plain-callers',
      namespace: NS,
      rollout: DEMO_ROLLOUT,
      option: 'pod-ratio',
    });
    const rollout = await cluster.get('Rollout', NS, DEMO_ROLLOUT);
    expect(rollout.spec.replicas).toBe(10);
    expect(rollout.spec.strategy.canary?.dynamicStableScale).toBe(true);
  });

  it.each([
    {
      name: 'a code without an automatic fix',
      code: 'mesh-conflict',
      option: undefined,
      error: /no automatic fix/,
    },
    {
      name: 'an option of another code',
      code: 'mesh-binding',
      option: 'pod-ratio' as const,
      error: /does not apply/,
    },
    {
      name: 'no declared plain caller',
      code: 'plain-callers',
      option: undefined,
      error: /no caller namespace/,
    },
  ])('rejects $name', async ({ code, option, error }) => {
    const cluster = await demoCluster();
    const request = { code, namespace: NS, rollout: DEMO_ROLLOUT, ...(option ? { option } : {}) };
    await expect(applyFix(cluster, request)).rejects.toThrow(error);
  });
});
