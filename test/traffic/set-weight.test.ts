import { describe, expect, it } from 'vitest';
import type {
  IstioVirtualServiceRef,
  Rollout,
  VirtualService,
  VirtualServiceSpec,
} from '../../src/api/index.js';

type Kind = 'http' | 'tls' | 'tcp';
import { setWeight } from '../../src/traffic/istio/index.js';
import {
  dest,
  expectUpdated,
  hostRollout,
  l4Routes,
  regularVs,
  rollout,
  stableCanary,
  subsetDest,
  subsetRollout,
  virtualService,
  weights,
} from './fixtures.js';

const mixedVs = (): VirtualService => {
  const vs = regularVs();
  vs.spec.tls = l4Routes();
  vs.spec.tcp = l4Routes();
  return vs;
};

describe('setWeight — HTTP', () => {
  it.each([
    ['http-only VS', regularVs(), { routes: ['primary'] }],
    [
      'mixed http/tls/tcp VS',
      mixedVs(),
      { routes: ['primary'], tlsRoutes: [{ port: 3001 }], tcpRoutes: [{ port: 3001 }] },
    ],
  ])('§5.1 routes=[primary], W=10 on %s → primary 10/90, secondary untouched', (_name, vs, ref) => {
    const out = expectUpdated(setWeight(vs, hostRollout(ref), 10));
    expect(weights(out, 'http', 0)).toEqual({ stable: 90, canary: 10 });
    expect(out.spec.http?.[1]).toEqual(vs.spec.http?.[1]);
    expect(out.spec.tls?.[0]).toEqual(vs.spec.tls?.[0]);
    expect(out.spec.tcp?.[0]).toEqual(vs.spec.tcp?.[0]);
  });

  it('§5.2 subset mode keeps additional subset weight: stable 70, canary 10, additional 20', () => {
    const ro = subsetRollout({ routes: ['primary'] }, {}, { additionalSubsetNames: ['stable-subset'] });
    const vs = virtualService({
      http: [
        {
          name: 'primary',
          route: [
            subsetDest('stable', 100),
            subsetDest('canary', 0),
            subsetDest('stable-subset', 20, 'additional-service'),
          ],
        },
      ],
    });
    const out = expectUpdated(setWeight(vs, ro, 10));
    expect(weights(out, 'http', 0)).toEqual({ stable: 70, canary: 10, 'stable-subset': 20 });
  });

  it.each([
    ['http', { http: [{ route: stableCanary() }] }],
    ['tls', { tls: [{ route: stableCanary() }] }],
    ['tcp', { tcp: [{ route: stableCanary() }] }],
  ] as [Kind, VirtualServiceSpec][])(
    '§5.22 routes omitted, single unnamed %s route → 90/10',
    (kind, spec) => {
      const out = expectUpdated(setWeight(virtualService(spec), hostRollout(), 10));
      expect(weights(out, kind, 0)).toEqual({ stable: 90, canary: 10 });
    },
  );

  it('§5.22 routes omitted with one unnamed route of each kind in one VS → all three 90/10', () => {
    const vs = virtualService({
      http: [{ route: stableCanary() }],
      tls: [{ route: stableCanary() }],
      tcp: [{ route: stableCanary() }],
    });
    const out = expectUpdated(setWeight(vs, hostRollout(), 10));
    for (const kind of ['http', 'tls', 'tcp'] as const)
      expect(weights(out, kind, 0)).toEqual({ stable: 90, canary: 10 });
  });
});

describe('setWeight — TLS and TCP', () => {
  const tlsVs = (): VirtualService => virtualService({ tls: l4Routes() });
  const tcpVs = (): VirtualService => virtualService({ tcp: l4Routes() });
  const mixedTls = (): VirtualService => ({ ...regularVs(), spec: { ...regularVs().spec, tls: l4Routes() } });
  const mixedTcp = (): VirtualService => ({ ...regularVs(), spec: { ...regularVs().spec, tcp: l4Routes() } });

  it.each([
    ['§5.7 TLS-only', tlsVs(), 'tls', { tlsRoutes: [{ port: 3000 }] }],
    ['§5.7 mixed TLS', mixedTls(), 'tls', { tlsRoutes: [{ port: 3000 }], routes: ['primary'] }],
    ['§5.10 TCP-only', tcpVs(), 'tcp', { tcpRoutes: [{ port: 3000 }] }],
    ['§5.10 mixed TCP', mixedTcp(), 'tcp', { tcpRoutes: [{ port: 3000 }], routes: ['primary'] }],
  ] as [string, VirtualService, Kind, IstioVirtualServiceRef][])(
    '%s port 3000, W=30 → route 3000 at 30/70, 3001 untouched',
    (_n, vs, kind, ref) => {
      const out = expectUpdated(setWeight(vs, hostRollout(ref), 30));
      expect(weights(out, kind, 0)).toEqual({ stable: 70, canary: 30 });
      expect(out.spec[kind]?.[1]).toEqual(vs.spec[kind]?.[1]);
    },
  );

  it('§5.8 TLS sniHosts equal to the union of two match blocks (no port) selects that route', () => {
    const vs = virtualService({
      tls: [
        { match: [{ sniHosts: ['a.example'] }, { sniHosts: ['b.example'] }], route: stableCanary() },
        { match: [{ port: 3001, sniHosts: ['a.example'] }], route: stableCanary() },
      ],
    });
    const out = expectUpdated(
      setWeight(vs, hostRollout({ tlsRoutes: [{ sniHosts: ['b.example', 'a.example'] }] }), 30),
    );
    expect(weights(out, 'tls', 0)).toEqual({ stable: 70, canary: 30 });
    expect(out.spec.tls?.[1]).toEqual(vs.spec.tls?.[1]);
  });

  it('§5.9 TLS {port 3001, sniHosts [localhost]} changes only the second route', () => {
    const vs = virtualService({
      tls: [
        { match: [{ port: 3000, sniHosts: ['localhost'] }], route: stableCanary() },
        { match: [{ port: 3001, sniHosts: ['localhost'] }], route: stableCanary() },
      ],
    });
    const out = expectUpdated(
      setWeight(vs, hostRollout({ tlsRoutes: [{ port: 3001, sniHosts: ['localhost'] }] }), 30),
    );
    expect(out.spec.tls?.[0]).toEqual(vs.spec.tls?.[0]);
    expect(weights(out, 'tls', 1)).toEqual({ stable: 70, canary: 30 });
  });

  it('§5.11 mixed VS: http primary + tls 3000 + tcp 3000 at W=20 → 20/80, others unchanged', () => {
    const vs = mixedVs();
    const ro = hostRollout({ routes: ['primary'], tlsRoutes: [{ port: 3000 }], tcpRoutes: [{ port: 3000 }] });
    const out = expectUpdated(setWeight(vs, ro, 20));
    for (const kind of ['http', 'tls', 'tcp'] as const) {
      expect(weights(out, kind, 0)).toEqual({ stable: 80, canary: 20 });
      expect(out.spec[kind]?.[1]).toEqual(vs.spec[kind]?.[1]);
    }
  });

  it('§5.12 ping-pong (stablePingPong=ping), W=20 → ping 80 / pong 20 on http, tls and tcp', () => {
    const pp = (): { route: ReturnType<typeof dest>[] }[] => [
      { route: [dest('ping', 100), dest('pong', 0)] },
    ];
    const vs = virtualService({ http: pp(), tls: pp(), tcp: pp() });
    const ro = rollout(
      { virtualService: { name: 'vsvc' } },
      { pingPong: { pingService: 'ping', pongService: 'pong' } },
      { stablePingPong: 'ping' },
    );
    const out = expectUpdated(setWeight(vs, ro, 20));
    for (const kind of ['http', 'tls', 'tcp'] as const)
      expect(weights(out, kind, 0)).toEqual({ ping: 80, pong: 20 });
    const swapped: Rollout = { ...ro, status: { canary: { stablePingPong: 'pong' } } };
    expect(weights(expectUpdated(setWeight(vs, swapped, 20)), 'http', 0)).toEqual({ ping: 20, pong: 80 });
  });
});

describe('setWeight — update or unchanged', () => {
  it.each([
    ['http', regularVs(), { routes: ['primary'] }],
    ['tls', virtualService({ tls: l4Routes() }), { tlsRoutes: [{ port: 3001 }] }],
    ['tcp', virtualService({ tcp: l4Routes() }), { tcpRoutes: [{ port: 3001 }] }],
  ] as [string, VirtualService, IstioVirtualServiceRef][])(
    '§5.13 %s: W=10 is one update, W=0 when already 0 is unchanged',
    (_k, vs, ref) => {
      expect(setWeight(vs, hostRollout(ref), 10).kind).toBe('updated');
      expect(setWeight(vs, hostRollout(ref), 0)).toEqual({ kind: 'unchanged' });
    },
  );
});

describe('setWeight — experiment and unknown destinations', () => {
  const ro = hostRollout({ routes: ['primary'] });
  const exp = (weight: number, serviceName = 'exp-svc') => ({ serviceName, weight, podTemplateHash: 'e1' });

  it('§5.14 experiment destination added, re-weighted, removed → each is an update', () => {
    const added = expectUpdated(setWeight(regularVs(), ro, 0, [exp(20)]));
    expect(weights(added, 'http', 0)).toEqual({ stable: 80, canary: 0, 'exp-svc': 20 });
    const changed = expectUpdated(setWeight(added, ro, 0, [exp(10)]));
    expect(weights(changed, 'http', 0)).toEqual({ stable: 90, canary: 0, 'exp-svc': 10 });
    const removed = expectUpdated(setWeight(changed, ro, 0, []));
    expect(weights(removed, 'http', 0)).toEqual({ stable: 100, canary: 0 });
  });

  it('§5.15 host split with exp-svc 20 at W=10 → 70/10/20; without it → 90/10, exp-svc gone', () => {
    const withExp = expectUpdated(setWeight(regularVs(), ro, 10, [exp(20)]));
    expect(weights(withExp, 'http', 0)).toEqual({ stable: 70, canary: 10, 'exp-svc': 20 });
    const without = expectUpdated(setWeight(withExp, ro, 10));
    expect(weights(without, 'http', 0)).toEqual({ stable: 90, canary: 10 });
  });

  it('§5.16 two experiment services (20+20), W=10 → 4 destinations sorted by host, stable 50; then none', () => {
    const out = expectUpdated(setWeight(regularVs(), ro, 10, [exp(20, 'exp-b'), exp(20, 'exp-a')]));
    expect(out.spec.http?.[0]?.route?.map((d) => [d.destination.host, d.weight])).toEqual([
      ['stable', 50],
      ['canary', 10],
      ['exp-a', 20],
      ['exp-b', 20],
    ]);
    expect(expectUpdated(setWeight(out, ro, 10)).spec.http?.[0]?.route).toHaveLength(2);
  });

  it('§9 unknown destination with weight 0 is kept, with a non-zero weight it is removed', () => {
    const vs = virtualService({
      http: [{ name: 'primary', route: [...stableCanary(), dest('other', 0), dest('legacy', 5)] }],
    });
    const out = expectUpdated(setWeight(vs, ro, 10));
    expect(out.spec.http?.[0]?.route?.map((d) => d.destination.host)).toEqual(['stable', 'canary', 'other']);
    expect(weights(out, 'http', 0)).toEqual({ stable: 90, canary: 10, other: 0 });
  });

  it('§5.35 single TLS route with an empty extra destination, W=30 → stable 70, canary 30', () => {
    const vs = virtualService({ tls: [{ route: [...stableCanary(), { destination: { host: '' } }] }] });
    const out = expectUpdated(setWeight(vs, hostRollout(), 30));
    expect(weights(out, 'tls', 0)).toMatchObject({ stable: 70, canary: 30 });
  });

  it('FQDN hosts match on the short name (stable.default.svc.cluster.local is stable)', () => {
    const vs = virtualService({
      http: [{ route: [dest('stable.default.svc.cluster.local', 100), dest('canary.default', 0)] }],
    });
    const out = expectUpdated(setWeight(vs, hostRollout(), 25));
    expect(out.spec.http?.[0]?.route?.map((d) => d.weight)).toEqual([75, 25]);
  });

  it.each([
    ['negative', -1],
    ['above 100', 101],
    ['fractional', 12.5],
  ])('rejects a %s canary weight with InvalidWeight', (_n, w) => {
    const result = setWeight(regularVs(), ro, w);
    expect(result.kind === 'error' && result.error.reason).toBe('InvalidWeight');
  });

  it('refuses weights that cannot sum to 100 (additional 30 + canary 80)', () => {
    const ro2 = subsetRollout({ routes: ['primary'] }, {}, { additionalSubsetNames: ['extra'] });
    const vs = virtualService({
      http: [
        {
          name: 'primary',
          route: [subsetDest('stable', 70), subsetDest('canary', 0), subsetDest('extra', 30)],
        },
      ],
    });
    const result = setWeight(vs, ro2, 80);
    expect(result.kind === 'error' && result.error.message).toBe(
      'canary weight 80 plus fixed weights 30 (experiment and additional subsets) exceed 100',
    );
  });
});
