import type {
  DestinationRule,
  Gateway,
  PeerAuthentication,
  Rollout,
  Service,
  Sidecar,
  VirtualService,
  VirtualServiceSpec,
} from '../../src/api/index.js';
import type {
  EndpointGroup,
  MeshSnapshot,
  NamespaceInfo,
  RolloutTrafficState,
} from '../../src/mesh/index.js';
import { emptySnapshot, endpointGroupsForRollout, withControllerState } from '../../src/mesh/index.js';

/** The seed scenario of spec/traffic-paths.md §4 and small builders to vary it. */
export const NS = 'rollouts-demo-istio';
export const FQDN = `istio-rollout.${NS}.svc.cluster.local`;
export const STABLE = 'stable0001';
export const CANARY = 'canary0002';

export function ns(name: string, labels: Record<string, string> = {}): NamespaceInfo {
  return { name, labels };
}

export const injected = (name: string) => ns(name, { 'istio-injection': 'enabled' });

export function service(
  name = 'istio-rollout',
  namespace = NS,
  selector = { app: 'istio-rollout' },
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector, ports: [{ port: 80 }] },
  };
}

export function vs(name: string, spec: Partial<VirtualServiceSpec>, namespace = NS): VirtualService {
  const http = spec.http ?? [
    {
      name: 'primary',
      route: [
        { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 100 },
        { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 0 },
      ],
    },
  ];
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: { ...spec, http },
  };
}

export function dr(name = 'istio-rollout-destrule', namespace = NS, host = 'istio-rollout'): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name, namespace },
    spec: { host, subsets: [{ name: 'canary' }, { name: 'stable' }] },
  };
}

export function gateway(name = 'istio-rollout-gateway', namespace = NS): Gateway {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { number: 80 } }] },
  };
}

export function sidecar(namespace: string, hosts: string[]): Sidecar {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace },
    spec: { egress: [{ hosts }] },
  };
}

export function strictPa(namespace = NS): PeerAuthentication {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

export function rollout(
  opts: {
    replicas?: number;
    vsNames?: string[];
    dynamic?: boolean;
    hostLevel?: boolean;
    pingPong?: boolean;
  } = {},
): Rollout {
  const names = opts.vsNames ?? ['istio-rollout-vsvc'];
  const refs = names.map((name) => ({ name, routes: ['primary'] }));
  const istio =
    opts.hostLevel || opts.pingPong
      ? { virtualService: { name: names[0] ?? '', routes: ['primary'] } }
      : {
          ...(refs.length === 1 ? { virtualService: refs[0]! } : { virtualServices: refs }),
          destinationRule: {
            name: 'istio-rollout-destrule',
            canarySubsetName: 'canary',
            stableSubsetName: 'stable',
          },
        };
  const canary = {
    steps: [{ setWeight: 10 }, { pause: {} }],
    trafficRouting: { istio },
    ...(opts.dynamic ? { dynamicStableScale: true } : {}),
    ...(opts.hostLevel
      ? { canaryService: 'istio-rollout-canary', stableService: 'istio-rollout-stable' }
      : {}),
    ...(opts.pingPong
      ? { pingPong: { pingService: 'istio-rollout-ping', pongService: 'istio-rollout-pong' } }
      : {}),
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'istio-rollout', namespace: NS },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: 'istio-rollout' } },
      template: { metadata: { labels: { app: 'istio-rollout' } }, spec: { containers: [{ name: 'app' }] } },
      strategy: { canary },
    },
  };
}

export interface World {
  snapshot: MeshSnapshot;
  state: RolloutTrafficState;
}

/** The seed: gateway-only VS with hosts ["*"], one injected namespace, one plain caller namespace. */
export function seedWorld(over: Partial<MeshSnapshot> = {}, ro: Rollout = rollout(), weight = 10): World {
  const base: MeshSnapshot = {
    ...emptySnapshot(),
    namespaces: [injected(NS), ns('legacy')],
    services: [service()],
    virtualServices: [vs('istio-rollout-vsvc', { gateways: ['istio-rollout-gateway'], hosts: ['*'] })],
    destinationRules: [dr()],
    gateways: [gateway()],
    ...over,
  };
  const state: RolloutTrafficState = {
    rollout: ro,
    canaryWeight: weight,
    canaryHash: CANARY,
    stableHash: STABLE,
  };
  return { snapshot: withControllerState(base, state), state };
}

/** Pods as the planner scales them: `stable` + `canary` ready pods of the Rollout. */
export function withPods(world: World, stable: number, canary: number, extra: EndpointGroup[] = []): World {
  const groups = endpointGroupsForRollout(
    world.state.rollout,
    world.state,
    { stable, canary },
    world.snapshot.namespaces,
  );
  return { ...world, snapshot: { ...world.snapshot, endpoints: [...groups, ...extra] } };
}
