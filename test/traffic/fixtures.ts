import type {
  CanaryStep,
  CanaryStrategy,
  DestinationRule,
  IstioTrafficRouting,
  Rollout,
  RouteDestination,
  VirtualService,
  VirtualServiceSpec,
} from '../../src/api/index.js';
import type { TrafficIntent } from '../../src/rollout/intent.js';

export const NS = 'default';

export function rollout(
  istio: IstioTrafficRouting,
  canary: Partial<CanaryStrategy> = { canaryService: 'canary', stableService: 'stable' },
  extra: { managedRoutes?: string[]; steps?: CanaryStep[]; stablePingPong?: 'ping' | 'pong' } = {},
): Rollout {
  const trafficRouting = extra.managedRoutes
    ? { istio, managedRoutes: extra.managedRoutes.map((name) => ({ name })) }
    : { istio };
  const ro: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'guestbook', namespace: NS },
    spec: {
      strategy: { canary: { ...canary, trafficRouting, ...(extra.steps ? { steps: extra.steps } : {}) } },
    },
  };
  if (extra.stablePingPong) ro.status = { canary: { stablePingPong: extra.stablePingPong } };
  return ro;
}

/** Host-level rollout on VS `vsvc` with the given route selectors. */
export function hostRollout(vs: Partial<IstioTrafficRouting['virtualService']> = {}, extra = {}): Rollout {
  return rollout({ virtualService: { name: 'vsvc', ...vs } }, undefined, extra);
}

export const SUBSET_DR_REF = { name: 'guestbook-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' };

export function subsetRollout(
  vs: Partial<IstioTrafficRouting['virtualService']> = {},
  extra = {},
  dr = {},
): Rollout {
  return rollout(
    { virtualService: { name: 'vsvc', ...vs }, destinationRule: { ...SUBSET_DR_REF, ...dr } },
    {},
    extra,
  );
}

export function dest(host: string, weight?: number, extra: Record<string, unknown> = {}): RouteDestination {
  const d: RouteDestination = { destination: { host, ...extra } };
  if (weight !== undefined) d.weight = weight;
  return d;
}

export function subsetDest(subset: string, weight?: number, host = 'guestbook'): RouteDestination {
  return dest(host, weight, { subset });
}

export function virtualService(spec: VirtualServiceSpec, name = 'vsvc', namespace = NS): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec,
  };
}

export const stableCanary = (stable = 100, canary = 0): RouteDestination[] => [
  dest('stable', stable),
  dest('canary', canary),
];

/** §5 fixture "regular": http routes primary and secondary, each stable 100 / canary 0. */
export function regularVs(name = 'vsvc', namespace = NS): VirtualService {
  return virtualService(
    {
      hosts: ['guestbook'],
      gateways: ['guestbook-gateway'],
      http: [
        { name: 'primary', route: stableCanary() },
        { name: 'secondary', route: stableCanary() },
      ],
    },
    name,
    namespace,
  );
}

export const l4Routes = () => [
  { match: [{ port: 3000 }], route: stableCanary() },
  { match: [{ port: 3001 }], route: stableCanary() },
];

export function subsetVs(): VirtualService {
  return virtualService({
    hosts: ['guestbook'],
    http: [{ name: 'primary', route: [subsetDest('stable', 100), subsetDest('canary', 0)] }],
  });
}

export function destinationRule(subsets: DestinationRule['spec']['subsets'] = undefined): DestinationRule {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: 'guestbook-dr', namespace: NS },
    spec: { host: 'guestbook', subsets: subsets ?? [{ name: 'stable' }, { name: 'canary' }] },
  };
}

export function intent(partial: Partial<TrafficIntent> = {}): TrafficIntent {
  return {
    canaryWeight: 0,
    canaryHash: '',
    stableHash: '',
    managedRoutes: [],
    weightBeforeHashes: false,
    ...partial,
  };
}

/** `[weight of stable, weight of canary]` (by role name in host or subset) for route `i` of kind. */
export function weights(
  vs: VirtualService,
  kind: 'http' | 'tls' | 'tcp',
  i: number,
): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const d of vs.spec[kind]?.[i]?.route ?? []) out[d.destination.subset ?? d.destination.host] = d.weight;
  return out;
}

export function expectUpdated<T>(result: { kind: string; object?: T }): T {
  if (result.kind !== 'updated' || result.object === undefined) {
    throw new Error(`expected an update, got ${JSON.stringify(result)}`);
  }
  return result.object;
}
