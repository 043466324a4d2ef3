import type { KubeObject, Rollout } from '../../src/api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/index.js';

/**
 * Builders for the differential test's worlds: plain objects as a user would write them (Istio configs valid for
 * Istio's own validation unless a scenario means otherwise), Pods with readiness, and the Rollout the model reads.
 */
export const APP_NS = 'app';
export const STABLE_HASH = 'stable01';
export const CANARY_HASH = 'canary02';
export const fqdn = (name: string, ns = APP_NS) => `${name}.${ns}.svc.cluster.local`;

type Labels = Record<string, string>;

export function namespace(name: string, injected: boolean, labels: Labels = {}): KubeObject {
  const all = injected ? { ...labels, 'istio-injection': 'enabled' } : labels;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: all } };
}

export function service(
  name: string,
  selector: Labels,
  opts: { ns?: string; portName?: string; port?: number; exportTo?: string } = {},
): KubeObject {
  const port = opts.port ?? 80;
  const spec = { selector, ports: [{ name: opts.portName ?? 'http', port, targetPort: 8080 }] };
  const metadata: KubeObject['metadata'] = { name, namespace: opts.ns ?? APP_NS };
  if (opts.exportTo !== undefined) metadata.annotations = { 'networking.istio.io/exportTo': opts.exportTo };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec } as KubeObject;
}

/** `count` pods of one ReplicaSet, the first `ready` of them Ready. */
export function pods(
  app: string,
  hash: string,
  count: number,
  ready: number,
  opts: { ns?: string; extra?: Labels } = {},
): KubeObject[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-${hash}-${i}`,
      namespace: opts.ns ?? APP_NS,
      labels: { app, [POD_TEMPLATE_HASH_LABEL]: hash, ...(opts.extra ?? {}) },
    },
    spec: { containers: [{ name: app, image: 'example/app:1', ports: [{ containerPort: 8080 }] }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: i < ready ? 'True' : 'False' }],
    },
  }));
}

export function istio(kind: string, name: string, spec: object, ns = APP_NS): KubeObject {
  const group = kind === 'PeerAuthentication' ? 'security.istio.io/v1' : 'networking.istio.io/v1';
  return { apiVersion: group, kind, metadata: { name, namespace: ns }, spec } as KubeObject;
}

export function subsetRule(name: string, host: string, subsets: string[], extra: object = {}, ns = APP_NS) {
  const hashes: Record<string, string> = { stable: STABLE_HASH, canary: CANARY_HASH };
  return istio(
    'DestinationRule',
    name,
    {
      host,
      subsets: subsets.map((s) => ({ name: s, labels: { [POD_TEMPLATE_HASH_LABEL]: hashes[s] ?? s } })),
      ...extra,
    },
    ns,
  );
}

export function gateway(name: string, hosts: string[] = ['*'], ns = APP_NS): KubeObject {
  return istio(
    'Gateway',
    name,
    {
      selector: { istio: 'ingressgateway' },
      servers: [{ hosts, port: { number: 80, name: 'http', protocol: 'HTTP' } }],
    },
    ns,
  );
}

export function weighted(host: string, stableWeight: number, subsets: boolean, canaryHost = host) {
  const dest = (h: string, subset: string) => (subsets ? { host: h, subset } : { host: h });
  return [
    { destination: dest(host, 'stable'), weight: stableWeight },
    { destination: dest(subsets ? host : canaryHost, 'canary'), weight: 100 - stableWeight },
  ];
}

export interface RolloutShape {
  name?: string;
  virtualServices: string[];
  routes?: string[];
  /** Subset-level: the DestinationRule name; host-level: canary and stable Services. */
  destinationRule?: string;
  services?: { canary: string; stable: string };
}

export function rollout(shape: RolloutShape, ns = APP_NS): Rollout {
  const name = shape.name ?? 'web';
  const vss = shape.virtualServices.map((v) => ({ name: v, routes: shape.routes ?? ['primary'] }));
  const istioRouting: Record<string, unknown> = { virtualServices: vss };
  if (shape.destinationRule) {
    istioRouting['destinationRule'] = {
      name: shape.destinationRule,
      canarySubsetName: 'canary',
      stableSubsetName: 'stable',
    };
  }
  const canary: Record<string, unknown> = {
    steps: [{ setWeight: 10 }, { pause: {} }],
    trafficRouting: { istio: istioRouting },
  };
  if (shape.services) {
    canary['canaryService'] = shape.services.canary;
    canary['stableService'] = shape.services.stable;
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'example/app:1' }] },
      },
      strategy: { canary },
    },
  } as unknown as Rollout;
}
