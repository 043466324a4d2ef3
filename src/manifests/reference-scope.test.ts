import { describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../api/index.js';
import { referenceScope } from './reference-scope.js';

const obj = (kind: string, name: string, namespace = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace },
});

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    strategy: {
      canary: {
        stableService: 'web-stable',
        trafficRouting: {
          istio: { virtualService: { name: 'web-vs.edge' }, destinationRule: { name: 'web-dr' } },
        },
      },
    },
  },
} as unknown as Rollout;

describe('referenceScope: the objects a Rollout names, in input order', () => {
  const objects = [
    obj('DestinationRule', 'web-dr'),
    obj('Service', 'other'),
    obj('VirtualService', 'web-vs', 'edge'),
    obj('AnalysisTemplate', 'unnamed-template'),
    obj('Service', 'web-stable'),
    obj('Service', 'web-stable', 'elsewhere'),
  ];
  it.each([
    { name: 'names, `name.namespace` parts and every analysis template', rollout, want: [0, 2, 3, 4, 5] },
  ])('$name', ({ rollout: r, want }) => {
    expect(referenceScope(objects)(r)).toEqual(want.map((i) => objects[i]));
  });
});
