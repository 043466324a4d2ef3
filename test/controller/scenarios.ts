/** Manifests for controller end-state tests: one app "web" in namespace "shop", routed by Istio. */
import type { DestinationRule, VirtualService } from '../../src/api/istio.js';
import type { CanaryStep, Rollout } from '../../src/api/rollout.js';
import type { Service } from '../../src/api/workloads.js';
import type { NewObject } from '../../src/kube/cluster.js';
import { NS } from '../kube/fixtures.js';

export const STEPS: CanaryStep[] = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 60 },
  { pause: { duration: '30s' } },
];

function template(image: string) {
  return { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } };
}

export function subsetRollout(image = 'web:1', steps: CanaryStep[] = STEPS): NewObject<Rollout> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'web' } },
      template: template(image),
      strategy: {
        canary: {
          steps,
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

export function hostRollout(image = 'web:1', steps: CanaryStep[] = STEPS): NewObject<Rollout> {
  const base = subsetRollout(image, steps);
  return {
    ...base,
    spec: {
      ...base.spec,
      strategy: {
        canary: {
          steps,
          canaryService: 'web-canary',
          stableService: 'web-stable',
          trafficRouting: { istio: { virtualService: { name: 'web-vs', routes: ['primary'] } } },
        },
      },
    },
  };
}

export function service(name: string): NewObject<Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, name: 'http' }] },
  };
}

/** http: `primary` (managed weights) and a user route `admin` that truesplit must never touch. */
export function virtualService(mode: 'subset' | 'host'): NewObject<VirtualService> {
  const stable = mode === 'subset' ? { host: 'web', subset: 'stable' } : { host: 'web-stable' };
  const canary = mode === 'subset' ? { host: 'web', subset: 'canary' } : { host: 'web-canary' };
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web-vs', namespace: NS, labels: { team: 'shop' } },
    spec: {
      hosts: ['web', 'web.shop.svc.cluster.local'],
      gateways: ['mesh'],
      http: [
        {
          name: 'primary',
          retries: { attempts: 3, perTryTimeout: '2s' },
          route: [
            { destination: stable, weight: 100 },
            { destination: canary, weight: 0 },
          ],
        },
        {
          name: 'admin',
          match: [{ uri: { prefix: '/admin' } }],
          route: [{ destination: { host: 'admin' } }],
        },
      ],
    },
  };
}

export function destinationRule(): NewObject<DestinationRule> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'web-dr', namespace: NS },
    spec: {
      host: 'web',
      trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 10 } } },
      subsets: [
        { name: 'stable', labels: { app: 'web' } },
        { name: 'canary', labels: { app: 'web' } },
        { name: 'legacy', labels: { version: 'v0' } },
      ],
    },
  };
}
