import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HTTPRoute, RouteDestination, TCPRoute, VirtualService } from '../../src/api/index.js';
import type { ManagedRoute } from '../../src/rollout/intent.js';
import { applyTrafficIntent } from '../../src/traffic/istio/index.js';
import { resultObject } from '../../src/traffic/router.js';
import { hostRollout, virtualService } from './fixtures.js';

const extraFields = fc.dictionary(
  fc.constantFrom('timeout', 'retries', 'headers', 'fault', 'x-note'),
  fc.jsonValue(),
  { maxKeys: 2 },
);
const weight = fc.integer({ min: 0, max: 100 });
const host = (short: string) =>
  fc.constantFrom(short, `${short}.default`, `${short}.default.svc.cluster.local`);
const destination = (name: string) =>
  fc
    .record({
      host: host(name),
      port: fc.option(fc.record({ number: fc.integer({ min: 1, max: 65535 }) }), { nil: undefined }),
    })
    .map(({ host: h, port }) => (port ? { host: h, port } : { host: h }));

const destinations: fc.Arbitrary<RouteDestination[]> = fc
  .tuple(
    destination('stable'),
    destination('canary'),
    weight,
    weight,
    fc.array(fc.tuple(fc.constantFrom('other', 'legacy'), fc.constantFrom(0, 0, 7)), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([s, c, ws, wc, others, canaryFirst]) => {
    const pair = [
      { destination: s, weight: ws },
      { destination: c, weight: wc },
    ];
    return [
      ...(canaryFirst ? pair.reverse() : pair),
      ...others.map(([h, w]) => ({ destination: { host: h }, weight: w })),
    ];
  });

const routeBody = fc.tuple(destinations, extraFields).map(([route, extra]) => ({ ...extra, route }));

/** A VirtualService with named http routes r0..rn, tls/tcp routes on distinct ports, extra top-level fields. */
const vsWithSelection = fc
  .record({
    http: fc.array(routeBody, { minLength: 1, maxLength: 4 }),
    tls: fc.array(routeBody, { maxLength: 3 }),
    tcp: fc.array(routeBody, { maxLength: 3 }),
    top: fc.dictionary(
      fc.constantFrom('exportTo', 'hosts', 'gateways'),
      fc.array(fc.string(), { maxLength: 2 }),
      { maxKeys: 2 },
    ),
  })
  .chain(({ http, tls, tcp, top }) => {
    const httpRoutes: HTTPRoute[] = http.map((r, i) => ({ name: `r${i}`, ...r }));
    const l4 = (rs: typeof tls, base: number): TCPRoute[] =>
      rs.map((r, i) => ({ match: [{ port: base + i }], ...r }));
    const vs = virtualService({ ...top, http: httpRoutes, tls: l4(tls, 3000), tcp: l4(tcp, 4000) });
    return fc.record({
      vs: fc.constant(vs),
      routes: fc.subarray(
        httpRoutes.map((r) => r.name ?? ''),
        { minLength: 1 },
      ),
      tlsPorts: fc.subarray(
        tls.map((_r, i) => 3000 + i),
        { minLength: tls.length > 0 ? 1 : 0 },
      ),
      tcpPorts: fc.subarray(
        tcp.map((_r, i) => 4000 + i),
        { minLength: tcp.length > 0 ? 1 : 0 },
      ),
      canaryWeight: weight,
    });
  });

function setup(
  c: { vs: VirtualService; routes: string[]; tlsPorts: number[]; tcpPorts: number[] },
  managed: string[] = [],
) {
  const ref = {
    routes: c.routes,
    ...(c.tlsPorts.length ? { tlsRoutes: c.tlsPorts.map((port) => ({ port })) } : {}),
    ...(c.tcpPorts.length ? { tcpRoutes: c.tcpPorts.map((port) => ({ port })) } : {}),
  };
  return hostRollout(ref, managed.length ? { managedRoutes: managed } : {});
}

function selectedIndexes(
  vs: VirtualService,
  kind: 'http' | 'tls' | 'tcp',
  c: { routes: string[]; tlsPorts: number[]; tcpPorts: number[] },
) {
  const routes = vs.spec[kind] ?? [];
  if (kind === 'http')
    return routes.flatMap((r, i) => (c.routes.includes(typeof r.name === 'string' ? r.name : '') ? [i] : []));
  const ports = kind === 'tls' ? c.tlsPorts : c.tcpPorts;
  return routes.flatMap((r, i) => (ports.includes(r.match?.[0]?.port ?? -1) ? [i] : []));
}

const sum = (route: RouteDestination[] | undefined) => (route ?? []).reduce((t, d) => t + (d.weight ?? 0), 0);

const mirror: ManagedRoute = {
  kind: 'mirror',
  name: 'mirror',
  step: { name: 'mirror', match: [{ method: { exact: 'GET' } }] },
};
const header: ManagedRoute = {
  kind: 'header',
  name: 'hdr',
  step: { name: 'hdr', match: [{ headerName: 'h', headerValue: { prefix: 'p' } }] },
};

describe('router properties', () => {
  it('every touched route sums to 100; every other route, field and the input itself stay untouched', () => {
    fc.assert(
      fc.property(vsWithSelection, (c) => {
        const before = structuredClone(c.vs);
        const result = applyTrafficIntent(c.vs, setup(c), {
          canaryWeight: c.canaryWeight,
          managedRoutes: [],
        });
        expect(result.kind).not.toBe('error');
        const out = resultObject(c.vs, result);
        expect(c.vs).toEqual(before);
        const { http: _h, tls: _t, tcp: _c, ...restOut } = out.spec;
        const { http: _h2, tls: _t2, tcp: _c2, ...restIn } = c.vs.spec;
        expect(restOut).toEqual(restIn);
        expect(out.metadata).toEqual(c.vs.metadata);
        for (const kind of ['http', 'tls', 'tcp'] as const) {
          const touched = selectedIndexes(c.vs, kind, c);
          (c.vs.spec[kind] ?? []).forEach((route, i) => {
            const now = out.spec[kind]?.[i];
            if (!touched.includes(i)) return expect(now).toEqual(route);
            expect(sum(now?.route)).toBe(100);
            const { route: _r1, ...fieldsNow } = now ?? {};
            const { route: _r2, ...fieldsBefore } = route;
            expect(fieldsNow).toEqual(fieldsBefore);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('applying the same intent twice: the second pass is unchanged', () => {
    fc.assert(
      fc.property(vsWithSelection, fc.subarray([mirror, header]), (c, managedRoutes) => {
        const ro = setup(c, ['hdr', 'mirror']);
        const first = resultObject(
          c.vs,
          applyTrafficIntent(c.vs, ro, { canaryWeight: c.canaryWeight, managedRoutes }),
        );
        expect(applyTrafficIntent(first, ro, { canaryWeight: c.canaryWeight, managedRoutes })).toEqual({
          kind: 'unchanged',
        });
      }),
      { numRuns: 200 },
    );
  });

  it('removing managed routes restores exactly the user routes at the same weight', () => {
    fc.assert(
      fc.property(vsWithSelection, fc.subarray([mirror, header], { minLength: 1 }), (c, managedRoutes) => {
        const ro = setup(c, ['hdr', 'mirror']);
        const plain = resultObject(
          c.vs,
          applyTrafficIntent(c.vs, ro, { canaryWeight: c.canaryWeight, managedRoutes: [] }),
        );
        const withManaged = resultObject(
          c.vs,
          applyTrafficIntent(c.vs, ro, { canaryWeight: c.canaryWeight, managedRoutes }),
        );
        expect(withManaged.spec.http?.length).toBe((plain.spec.http?.length ?? 0) + managedRoutes.length);
        const cleaned = resultObject(
          withManaged,
          applyTrafficIntent(withManaged, ro, { canaryWeight: c.canaryWeight, managedRoutes: [] }),
        );
        expect(cleaned).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });
});
