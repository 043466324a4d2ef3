import { describe, expect, it } from 'vitest';
import { asVirtualService, isForeignObject, shapeProblem } from './guards.js';
import type { KubeObject } from './meta.js';

const object = (apiVersion: string, kind: string): KubeObject =>
  ({
    apiVersion,
    kind,
    metadata: { name: 'x', namespace: 'ns' },
    spec: {},
  }) as KubeObject;

describe('kinds truesplit reads, of other API groups', () => {
  it.each([
    { apiVersion: 'appmesh.k8s.aws/v1beta2', kind: 'VirtualService', foreign: true },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', foreign: true },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', foreign: false },
    { apiVersion: 'networking.istio.io/v2', kind: 'VirtualService', foreign: false },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', foreign: false },
    { apiVersion: 'serving.knative.dev/v1', kind: 'Service', foreign: true },
    { apiVersion: 'v1', kind: 'Service', foreign: false },
  ])('$apiVersion $kind: foreign $foreign', ({ apiVersion, kind, foreign }) => {
    expect(isForeignObject(object(apiVersion, kind))).toBe(foreign);
  });

  it('are neither shape problems nor read as Istio objects; an unknown Istio version still is a problem', () => {
    const appMesh = object('appmesh.k8s.aws/v1beta2', 'VirtualService');
    const gatewayApi = object('gateway.networking.k8s.io/v1', 'Gateway');
    expect([shapeProblem(appMesh), asVirtualService(appMesh), shapeProblem(gatewayApi)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(shapeProblem(object('networking.istio.io/v2', 'VirtualService'))?.field).toBe('apiVersion');
  });
});
