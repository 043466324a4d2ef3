/**
 * The generated apps the in-memory benchmarks run (`reconcile-pass.ts`, `sandbox.ts`): per app a Service, a
 * VirtualService bound to the gateway and to `mesh`, a DestinationRule with `canary`/`stable` subsets and a
 * subset-level Rollout; per namespace an injected Namespace and a `public` Gateway.
 */
import type { KubeObject } from '../src/api/meta.js';
import type { CanaryStep, Rollout } from '../src/api/rollout.js';

export interface AppShape {
  /** Apps are spread over `ns-0` … `ns-(namespaces-1)`. */
  namespaces: number;
  replicas: number;
  steps: CanaryStep[];
  annotations?: Record<string, string>;
}

export function appObjects(i: number, shape: AppShape): KubeObject[] {
  const name = `app-${i}`;
  const namespace = `ns-${i % shape.namespaces}`;
  const metadata = { name, namespace };
  const labels = { app: name };
  const host = `${name}.${namespace}.svc.cluster.local`;
  const route = [
    { destination: { host: name, subset: 'stable' }, weight: 100 },
    { destination: { host: name, subset: 'canary' }, weight: 0 },
  ];
  const istio = {
    virtualService: { name, routes: ['primary'] },
    destinationRule: { name, canarySubsetName: 'canary', stableSubsetName: 'stable' },
  };
  const rollout: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: shape.annotations ? { ...metadata, annotations: shape.annotations } : metadata,
    spec: {
      replicas: shape.replicas,
      revisionHistoryLimit: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
      strategy: { canary: { trafficRouting: { istio }, steps: shape.steps } },
    },
  };
  const subsets = ['canary', 'stable'].map((subset) => ({ name: subset, labels }));
  return [
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: labels, ports: [{ port: 80 }] } },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec: { gateways: ['public', 'mesh'], hosts: [host], http: [{ name: 'primary', route }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata,
      spec: { host: name, subsets },
    },
    rollout,
  ] as KubeObject[];
}

export function namespaceObjects(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${i}`, labels: { 'istio-injection': 'enabled' } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: `ns-${i}` },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { number: 80 } }] },
    },
  ]).flat();
}
