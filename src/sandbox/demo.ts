/**
 * The sandbox's demo scenario: the seed report of spec/traffic-paths.md §4. A VirtualService bound only to the
 * ingress gateway, so in-mesh callers fall back to the pod-count split, plus a namespace without injection whose
 * plain callers ignore every weight.
 */
import type { DestinationRule, Gateway, VirtualService } from '../api/istio.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, Service } from '../api/workloads.js';
import type { KindName, NewObject } from '../kube/cluster.js';
import type { KubeObject } from '../api/meta.js';

export const DEMO_NAMESPACE = 'rollouts-demo-istio';
export const DEMO_PLAIN_NAMESPACE = 'legacy';
export const DEMO_ROLLOUT = 'istio-rollout';
export const DEMO_GATEWAY = 'istio-rollout-gateway';
export const DEMO_VIRTUAL_SERVICE = 'istio-rollout-vsvc';
export const DEMO_DESTINATION_RULE = 'istio-rollout-destrule';
export const DEMO_STABLE_IMAGE = 'argoproj/rollouts-demo:blue';
export const DEMO_CANARY_IMAGE = 'argoproj/rollouts-demo:yellow';

const APP_LABELS = { app: DEMO_ROLLOUT };

function namespace(name: string, labels: Record<string, string>): NewObject<Namespace> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function service(): NewObject<Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: DEMO_ROLLOUT, namespace: DEMO_NAMESPACE },
    spec: {
      selector: { ...APP_LABELS },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

function gateway(): NewObject<Gateway> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: DEMO_GATEWAY, namespace: DEMO_NAMESPACE },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ hosts: ['*'], port: { number: 80, name: 'http', protocol: 'HTTP' } }],
    },
  };
}

/** Bound only to the gateway, `hosts: ["*"]`: the seed report's VirtualService. */
function virtualService(): NewObject<VirtualService> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: DEMO_VIRTUAL_SERVICE, namespace: DEMO_NAMESPACE },
    spec: {
      gateways: [DEMO_GATEWAY],
      hosts: ['*'],
      http: [
        {
          name: 'primary',
          route: [
            { destination: { host: DEMO_ROLLOUT, subset: 'stable' }, weight: 100 },
            { destination: { host: DEMO_ROLLOUT, subset: 'canary' }, weight: 0 },
          ],
        },
      ],
    },
  };
}

function destinationRule(): NewObject<DestinationRule> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: DEMO_DESTINATION_RULE, namespace: DEMO_NAMESPACE },
    spec: {
      host: DEMO_ROLLOUT,
      subsets: [
        { name: 'canary', labels: { ...APP_LABELS } },
        { name: 'stable', labels: { ...APP_LABELS } },
      ],
    },
  };
}

function rollout(): NewObject<Rollout> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: DEMO_ROLLOUT, namespace: DEMO_NAMESPACE },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 2,
      selector: { matchLabels: { ...APP_LABELS } },
      template: {
        metadata: { labels: { ...APP_LABELS } },
        spec: {
          containers: [{ name: DEMO_ROLLOUT, image: DEMO_STABLE_IMAGE }],
        },
      },
      strategy: {
        canary: {
          trafficRouting: {
            istio: {
              virtualService: { name: DEMO_VIRTUAL_SERVICE, routes: ['primary'] },
              destinationRule: {
                name: DEMO_DESTINATION_RULE,
                canarySubsetName: 'canary',
                stableSubsetName: 'stable',
              },
            },
          },
          steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
        },
      },
    },
  };
}

export interface DemoObject {
  kind: KindName;
  object: NewObject<KubeObject>;
}

/** Every object of the demo, namespaces first (creation order). */
export function demoObjects(): DemoObject[] {
  const objects: NewObject<KubeObject>[] = [
    namespace(DEMO_NAMESPACE, { 'istio-injection': 'enabled' }),
    namespace(DEMO_PLAIN_NAMESPACE, {}),
    service(),
    gateway(),
    virtualService(),
    destinationRule(),
    rollout(),
  ];
  return objects.map((object) => ({ kind: object.kind as KindName, object }));
}
