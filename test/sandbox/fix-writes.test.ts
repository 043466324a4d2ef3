/** The sandbox's "apply fix" writes what the finding's YAML shows: both come from src/mesh/fix-writes.ts. */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import type { VirtualService } from '../../src/api/istio.js';
import type { KindName } from '../../src/kube/cluster.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { analyzeRollout } from '../../src/mesh/analyze.js';
import {
  addHostWrite,
  bindToMeshWrite,
  injectionWrites,
  meshCopyWrite,
  podRatioWrite,
  writeDocument,
} from '../../src/mesh/fix-writes.js';
import { recordedTrafficState, snapshotFromObjects } from '../../src/mesh/snapshot.js';
import { applyFix } from '../../src/sandbox/demo-fixes.js';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT } from '../../src/sandbox/demo.js';
import { seedDemo } from '../../src/sandbox/seed.js';

const FQDN = 'web.shop.svc.cluster.local';
const vs = (hosts: string[], gateways: string[]): VirtualService => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    hosts,
    gateways,
    http: [{ name: 'primary', match: [{ gateways: ['gw'], uri: { prefix: '/' } }], route: [] }],
  },
});

describe('fix writes', () => {
  it.each([
    {
      name: 'bind to the mesh',
      write: bindToMeshWrite(vs(['web.example.com'], ['gw']), FQDN),
      doc: { spec: { gateways: ['gw', 'mesh'], hosts: ['web.example.com', FQDN] } },
    },
    {
      name: 'add the host, dropping "*"',
      write: addHostWrite(vs(['*'], ['mesh']), FQDN),
      doc: { spec: { hosts: [FQDN] } },
    },
    {
      name: 'mesh copy without gateway matches',
      write: meshCopyWrite(vs(['*'], ['gw']), FQDN),
      doc: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'web-mesh', namespace: 'shop' },
        spec: {
          gateways: ['mesh'],
          hosts: [FQDN],
          http: [{ name: 'primary', match: [{ uri: { prefix: '/' } }], route: [] }],
        },
      },
    },
    {
      name: 'label a namespace for injection',
      write: injectionWrites(['legacy'])[0]!,
      doc: { metadata: { labels: { 'istio-injection': 'enabled' } } },
    },
  ])('$name', ({ write, doc }) => {
    expect(writeDocument(write)).toEqual(doc);
  });

  it('pod ratio: replicas on the grid of every weight, never fewer than the Rollout has', () => {
    const rollout = {
      kind: 'Rollout',
      metadata: { name: 'web' },
      spec: { replicas: 3, strategy: {} },
    } as never;
    expect(writeDocument(podRatioWrite(rollout, [10, 25, 50]))).toEqual({
      spec: { replicas: 20, strategy: { canary: { dynamicStableScale: true } } },
    });
  });
});

describe('apply fix on the demo', () => {
  it('creates the mesh VirtualService and lists it exactly as the mesh-binding YAML shows', async () => {
    const cluster = new MemoryCluster();
    await seedDemo(cluster);
    const kinds: KindName[] = ['Namespace', 'Service', 'VirtualService', 'DestinationRule', 'Gateway', 'Pod'];
    const objects: KubeObject[] = [];
    for (const kind of kinds) objects.push(...(await cluster.list(kind, { namespace: '' })).items);
    const rollout = await cluster.get('Rollout', NS, DEMO_ROLLOUT);
    const finding = analyzeRollout(snapshotFromObjects(objects), recordedTrafficState(rollout)).findings.find(
      (f) => f.code === 'mesh-binding',
    );
    const shown = parseAllDocuments(finding?.fix ?? '').map((d) => d.toJS() as Record<string, unknown>);
    expect(shown).toHaveLength(2);

    await applyFix(cluster, { code: 'mesh-binding', namespace: NS, rollout: DEMO_ROLLOUT });
    const [meshVs, rolloutPatch] = shown as [VirtualService, { spec: RolloutSpecPatch }];
    const created = await cluster.get('VirtualService', NS, meshVs.metadata.name);
    expect(created.spec).toEqual(meshVs.spec);
    const after = await cluster.get('Rollout', NS, DEMO_ROLLOUT);
    const istio = after.spec.strategy.canary?.trafficRouting?.istio;
    expect(istio?.virtualServices).toEqual(
      rolloutPatch.spec.strategy.canary.trafficRouting.istio.virtualServices,
    );
    expect(istio?.virtualService).toBeUndefined();
  });
});

interface RolloutSpecPatch {
  strategy: { canary: { trafficRouting: { istio: { virtualServices: unknown } } } };
}
