import { describe, expect, it } from 'vitest';
import type { TLSRoute, VirtualService } from '../../src/api/index.js';
import {
  ISTIO_ROUTER,
  multipleVirtualServicesConfigured,
  splitVirtualServiceRef,
  selectHttpRouteIndexes,
  setWeight,
  validateIstioTrafficRouting,
} from '../../src/traffic/istio/index.js';
import {
  dest,
  destinationRule,
  hostRollout,
  l4Routes,
  regularVs,
  rollout,
  stableCanary,
  subsetDest,
  subsetRollout,
  virtualService,
} from './fixtures.js';

const AMBIGUOUS_HTTP =
  'spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes';

function errorMessage(result: ReturnType<typeof setWeight>): string | undefined {
  return result.kind === 'error' ? result.error.message : undefined;
}

describe('route errors (§4 messages, exact text)', () => {
  it.each([
    [
      '§5.17 only route unnamed while the rollout asks for primary',
      virtualService({ http: [{ route: stableCanary() }] }),
      { routes: ['primary'] },
      "HTTP Route 'primary' is not found in the defined Virtual Service.",
    ],
    [
      '§5.18 routes=[route-not-found]',
      regularVs(),
      { routes: ['route-not-found'] },
      "HTTP Route 'route-not-found' is not found in the defined Virtual Service.",
    ],
    [
      '§5.19 tlsRoutes port 1001',
      virtualService({ tls: l4Routes() }),
      { tlsRoutes: [{ port: 1001 }] },
      'No matching TLS routes found in the defined Virtual Service.',
    ],
    [
      '§5.19 tcpRoutes port 1001',
      virtualService({ tcp: l4Routes() }),
      { tcpRoutes: [{ port: 1001 }] },
      'No matching TCP routes found in the defined Virtual Service.',
    ],
    [
      'routes=[primary] and a VirtualService with no route at all',
      virtualService({}),
      { routes: ['primary'] },
      "HTTP Route 'primary' is not found in the defined Virtual Service.",
    ],
    ['§5.21 routes omitted, two http routes', regularVs(), {}, AMBIGUOUS_HTTP],
    [
      '§5.21 tlsRoutes omitted, two tls routes',
      virtualService({ tls: l4Routes() }),
      {},
      'spec.tls[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes',
    ],
    [
      '§5.21 tcpRoutes omitted, two tcp routes',
      virtualService({ tcp: l4Routes() }),
      {},
      'spec.tcp[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes',
    ],
    [
      '§5.25 stable destination missing',
      virtualService({ http: [{ name: 'primary', route: [dest('canary', 100)] }] }),
      { routes: ['primary'] },
      "Stable Service 'stable' not found in route",
    ],
    [
      '§5.25 canary destination missing',
      virtualService({ http: [{ name: 'primary', route: [dest('stable', 100)] }] }),
      { routes: ['primary'] },
      "Canary Service 'canary' not found in route",
    ],
  ])('%s', (_n, vs, ref, message) => {
    expect(errorMessage(setWeight(vs, hostRollout(ref), 10))).toBe(message);
  });

  it('a TLS-only VirtualService: routes is not checked without spec.http (as Argo), the TLS route is weighted', () => {
    const vs = virtualService({ tls: l4Routes() });
    const result = setWeight(vs, hostRollout({ routes: ['primary'], tlsRoutes: [{ port: 3000 }] }), 10);
    expect(result.kind).toBe('updated');
    const weights = (routes: { route?: { weight?: number }[] }[] | undefined) =>
      (routes ?? []).map((r) => (r.route ?? []).map((d) => d.weight));
    expect(result.kind === 'updated' ? weights(result.object.spec.tls) : undefined).toEqual([
      [90, 10],
      [100, 0],
    ]);
  });

  it.each([
    [
      '§5.17 a tls entry that is not an object',
      { tls: ['nope' as unknown as TLSRoute] },
      "Invalid casting: field 'tls[]' is not of type 'map[string]interface'",
      'spec.tls[0]',
    ],
    [
      '§5.23 a `route` that is not a list',
      { http: [{ name: 'primary', route: 'x' as unknown as [] }] },
      "Invalid casting: field 'http[].route' is not of type '[]interface'",
      'spec.http[0].route',
    ],
    [
      '§5.23 a destination that is not an object',
      { tcp: [{ route: [{ destination: 7 } as unknown as never] }] },
      "Invalid casting: field 'tcp[].route[].destination' is not of type 'map[string]interface'",
      'spec.tcp[0].route[0].destination',
    ],
  ])('%s → InvalidRoute naming the field', (_n, spec, message, field) => {
    const result = setWeight(virtualService(spec), hostRollout({ routes: ['primary'] }), 10);
    expect(result).toEqual({
      kind: 'error',
      error: { reason: 'InvalidRoute', object: 'VirtualService/default/vsvc', message, field },
    });
  });

  it('§5.25 FQDN-ish hosts stable.namespace / canary.namespace pass the destination check', () => {
    const vs = virtualService({
      http: [{ route: [dest('stable.namespace', 100), dest('canary.namespace', 0)] }],
    });
    expect(setWeight(vs, hostRollout(), 10).kind).toBe('updated');
  });

  it.each([
    ['§5.26 good subsets pass', 'stable', 'canary', undefined],
    [
      '§5.26 wrong stable subset',
      'doesntexist',
      'canary',
      "Stable DestinationRule subset 'doesntexist' not found in route",
    ],
    [
      '§5.26 wrong canary subset',
      'stable',
      'doesntexist',
      "Canary DestinationRule subset 'doesntexist' not found in route",
    ],
  ])('%s', (_n, stableSubsetName, canarySubsetName, message) => {
    const ro = subsetRollout({ routes: ['primary'] }, {}, { stableSubsetName, canarySubsetName });
    const vs = virtualService({
      http: [{ name: 'primary', route: [subsetDest('stable', 100), subsetDest('canary', 0)] }],
    });
    expect(errorMessage(setWeight(vs, ro, 10))).toBe(message);
  });
});

describe('route index selection (§5.43)', () => {
  const named = (n?: string) => (n === undefined ? { route: [] } : { name: n, route: [] });
  it.each([
    [
      'no names + [foo, unnamed] → index of the unnamed route',
      undefined,
      [named('foo'), named()],
      { indexes: [1] },
    ],
    ['names [foo, bar] → [0, 1]', ['foo', 'bar'], [named('foo'), named('bar')], { indexes: [0, 1] }],
    ['no names + single route → [0]', undefined, [named('foo')], { indexes: [0] }],
    [
      'unknown name → not found',
      ['baz'],
      [named('foo')],
      { message: "HTTP Route 'baz' is not found in the defined Virtual Service.", field: 'spec.http' },
    ],
  ])('%s', (_n, names, routes, expected) => {
    expect(selectHttpRouteIndexes(names, routes)).toEqual(expected);
  });
});

describe('router identity and references', () => {
  it('§5.23 the router type is "Istio"', () => {
    expect(ISTIO_ROUTER.type).toBe('Istio');
  });

  it.each([
    ['§5.30 virtualService only', { virtualService: { name: 'a' } }, false],
    ['§5.30 virtualServices set', { virtualServices: [{ name: 'a' }] }, true],
  ])('%s → %s', (_n, istio, expected) => {
    expect(multipleVirtualServicesConfigured(rollout(istio))).toBe(expected);
  });

  it.each([
    ['bare name', 'vsvc', { namespace: 'default', name: 'vsvc' }],
    ['name.namespace', 'vsvc.mesh', { namespace: 'mesh', name: 'vsvc' }],
    ['name.namespace.svc.cluster.local', 'vsvc.mesh.svc.cluster.local', { namespace: 'mesh', name: 'vsvc' }],
    ['name.namespace.cluster.local', 'vsvc.mesh.cluster.local', { namespace: 'mesh', name: 'vsvc' }],
  ])('§2.4 VS reference %s', (_n, ref, expected) => {
    expect(splitVirtualServiceRef(ref, 'default')).toEqual(expected);
  });
});

describe('validateIstioTrafficRouting (§2.7 lint / InvalidSpec)', () => {
  const both = (vs: VirtualService[]) => ({
    rollout: hostRollout({ routes: ['primary'] }),
    virtualServices: vs,
  });

  it('§5.24 matching routes with both hosts pass', () => {
    expect(validateIstioTrafficRouting(both([regularVs()]))).toEqual([]);
  });

  it('§5.24 unknown TLS port 2002 fails with the TLS message', () => {
    const ro = hostRollout({ tlsRoutes: [{ port: 2002 }] });
    const errors = validateIstioTrafficRouting({
      rollout: ro,
      virtualServices: [virtualService({ tls: l4Routes() })],
    });
    expect(errors.map((e) => e.message)).toEqual([
      'No matching TLS routes found in the defined Virtual Service.',
    ]);
  });

  it('§5.20 a missing VirtualService is VirtualServiceNotFound', () => {
    expect(validateIstioTrafficRouting(both([]))).toEqual([
      {
        reason: 'VirtualServiceNotFound',
        object: 'VirtualService/default/vsvc',
        message: 'VirtualService `vsvc` not found',
      },
    ]);
  });

  it('subset mode: missing DR, then DR without the subsets', () => {
    const ro = subsetRollout({}, {}, { additionalSubsetNames: ['extra'] });
    const vs = virtualService({ http: [{ route: [subsetDest('stable', 100), subsetDest('canary', 0)] }] });
    expect(validateIstioTrafficRouting({ rollout: ro, virtualServices: [vs] }).map((e) => e.reason)).toEqual([
      'DestinationRuleNotFound',
    ]);
    const dr = destinationRule([{ name: 'stable' }]);
    const errors = validateIstioTrafficRouting({ rollout: ro, virtualServices: [vs], destinationRule: dr });
    expect(errors.map((e) => e.message)).toEqual([
      "Canary subset 'canary' is not defined in DestinationRule 'guestbook-dr'",
      "Additional subset 'extra' is not defined in DestinationRule 'guestbook-dr'",
    ]);
  });
});
