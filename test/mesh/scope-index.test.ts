import { describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../../src/api/index.js';
import { meshSourceOf, rolloutScope, type MeshSource } from '../../src/mesh/scope.js';
import { generateMeshSnapshot, meshManifests } from '../fixtures/mesh-generator.js';

/** The same source without its host index: `rolloutScope` tests every VirtualService and DestinationRule. */
function scanning(source: MeshSource): MeshSource {
  const { lookup: _index, ...rest } = source;
  return rest;
}

const wildcardVs = (namespace: string): KubeObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'catch-all', namespace },
    spec: { hosts: ['*.example.com'], http: [] },
  }) as KubeObject;

const externalDr: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'external', namespace: 'ns-1' },
  spec: { host: 'api.example.com' },
} as KubeObject;

describe('rolloutScope: the host index keeps exactly what testing every object keeps', () => {
  it.each([
    { name: 'generated mesh', extra: [] as KubeObject[] },
    {
      name: 'with a wildcard VirtualService and an unrelated DestinationRule',
      extra: [wildcardVs('ns-2'), externalDr],
    },
  ])('$name', ({ extra }) => {
    const objects = [...meshManifests(generateMeshSnapshot(30, 5)), ...extra];
    const rollouts = objects.filter((o): o is Rollout => o.kind === 'Rollout');
    const indexed = meshSourceOf(objects);
    expect(indexed.lookup).toBeDefined();
    let kept = 0;
    for (const rollout of rollouts) {
      const scope = rolloutScope(indexed, rollout, 'istio-system');
      expect(scope).toEqual(rolloutScope(scanning(indexed), rollout, 'istio-system'));
      kept += scope.virtualServices.length + scope.destinationRules.length;
    }
    expect(kept).toBeGreaterThan(rollouts.length);
    if (extra.length > 0) {
      const scope = rolloutScope(indexed, rollouts[0]!, 'istio-system');
      expect(scope.virtualServices.map((vs) => vs.metadata.name)).toContain('catch-all');
      expect(scope.destinationRules.map((dr) => dr.metadata.name)).not.toContain('external');
    }
  });
});
