/**
 * The sandbox's demo scenario: the seed report of spec/traffic-paths.md §4. A VirtualService bound only to the
 * ingress gateway, so in-mesh callers fall back to the pod-count split, plus a namespace without injection whose
 * plain callers ignore every weight. In the sandbox the Rollout also gets an analysis step at setWeight 50 whose `web`
 * metric reads the canary's error rate from the sandbox (healthy or failing, as the user flips it).
 */
import type { AnalysisTemplate } from '../api/analysis.js';
import type { DestinationRule, Gateway, VirtualService } from '../api/istio.js';
import type { CanaryStep, Rollout } from '../api/rollout.js';
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
export const DEMO_ANALYSIS_TEMPLATE = 'canary-error-rate';
export const DEMO_ANALYSIS_METRIC = 'error-rate';

/**
 * The demo's analysis step: at setWeight 50 the canary's error rate is measured `count` times, `interval` apart, by a
 * `web` metric querying `url` (the sandbox's canary metrics endpoint). Below 5 % passes, 10 % and above fails; a
 * second failed measurement fails the run and the Rollout aborts.
 */
export interface DemoAnalysis {
  url: string;
  interval: string;
  count: number;
}

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

function analysisTemplate(analysis: DemoAnalysis): NewObject<AnalysisTemplate> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: DEMO_ANALYSIS_TEMPLATE, namespace: DEMO_NAMESPACE },
    spec: {
      metrics: [
        {
          name: DEMO_ANALYSIS_METRIC,
          interval: analysis.interval,
          count: analysis.count,
          successCondition: 'result < 0.05',
          failureCondition: 'result >= 0.1',
          failureLimit: 1,
          provider: { web: { url: analysis.url, jsonPath: '{$.errorRate}', timeoutSeconds: 5 } },
        },
      ],
    },
  };
}

/** setWeight 10, pause; with the analysis: setWeight 50, analysis, pause (else setWeight 50, pause). */
function canarySteps(analysis: DemoAnalysis | undefined): CanaryStep[] {
  const measure: CanaryStep[] = analysis
    ? [{ analysis: { templates: [{ templateName: DEMO_ANALYSIS_TEMPLATE }] } }]
    : [];
  return [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, ...measure, { pause: {} }];
}

function rollout(analysis: DemoAnalysis | undefined): NewObject<Rollout> {
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
          steps: canarySteps(analysis),
        },
      },
    },
  };
}

export interface DemoObject {
  kind: KindName;
  object: NewObject<KubeObject>;
}

/** Every object of the demo, namespaces first (creation order); with `analysis`, its template and step too. */
export function demoObjects(analysis?: DemoAnalysis): DemoObject[] {
  const objects: NewObject<KubeObject>[] = [
    namespace(DEMO_NAMESPACE, { 'istio-injection': 'enabled' }),
    namespace(DEMO_PLAIN_NAMESPACE, {}),
    service(),
    gateway(),
    virtualService(),
    destinationRule(),
    ...(analysis ? [analysisTemplate(analysis)] : []),
    rollout(analysis),
  ];
  return objects.map((object) => ({ kind: object.kind as KindName, object }));
}
