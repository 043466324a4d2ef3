import { describe, expect, it } from 'vitest';
import type { HTTPRoute, VirtualService } from '../../src/api/index.js';
import {
  removeManagedRoutes,
  removeMirrorRoute,
  setHeaderRoute,
  setMirrorRoute,
  setWeight,
} from '../../src/traffic/istio/index.js';
import {
  dest,
  destinationRule,
  expectUpdated,
  hostRollout,
  l4Routes,
  regularVs,
  stableCanary,
  subsetDest,
  subsetRollout,
  virtualService,
  weights,
} from './fixtures.js';

const names = (vs: VirtualService) => (vs.spec.http ?? []).map((r) => r.name);
const header = (name: string, value: { exact?: string; prefix?: string; regex?: string }) => ({
  name,
  match: [{ headerName: 'agent', headerValue: value }],
});
const mirror = (name: string, percentage?: number) => ({
  name,
  match: [{ method: { exact: 'GET' } }],
  ...(percentage === undefined ? {} : { percentage }),
});

const extrasVs = (): VirtualService =>
  virtualService({
    http: [
      {
        name: 'primary',
        retries: { attempts: 3, perTryTimeout: '10s' },
        corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }] },
        route: [
          dest('stable', 100, { port: { number: 8443 } }),
          dest('canary', 0, { port: { number: 8443 } }),
        ],
      },
    ],
  });

describe('header routes', () => {
  const ro = hostRollout({ routes: ['primary'] }, { managedRoutes: ['set-header'] });

  it('§5.3 host mode (exact) → first route sends the header to canary at 100; no match removes it', () => {
    const out = expectUpdated(setHeaderRoute(regularVs(), ro, header('set-header', { exact: 'firefox' })));
    expect(names(out)).toEqual(['set-header', 'primary', 'secondary']);
    expect(out.spec.http?.[0]).toEqual({
      name: 'set-header',
      match: [{ headers: { agent: { exact: 'firefox' } } }],
      route: [{ destination: { host: 'canary' }, weight: 100 }],
    });
    expect(expectUpdated(setHeaderRoute(out, ro, { name: 'set-header' }))).toEqual(regularVs());
  });

  it('§5.4 subset mode (regex) → destination host is the DR host, subset the canary subset', () => {
    const sro = subsetRollout({ routes: ['primary'] }, { managedRoutes: ['set-header'] });
    const vs = virtualService({
      http: [{ name: 'primary', route: [subsetDest('stable', 100), subsetDest('canary', 0)] }],
    });
    const out = expectUpdated(
      setHeaderRoute(vs, sro, header('set-header', { regex: 'fire.*' }), destinationRule()),
    );
    expect(out.spec.http?.[0]?.route).toEqual([
      { destination: { host: 'guestbook', subset: 'canary' }, weight: 100 },
    ]);
    expect(out.spec.http?.[0]?.match).toEqual([{ headers: { agent: { regex: 'fire.*' } } }]);
  });

  it('§5.4 subset mode without the DestinationRule → DestinationRuleNotFound', () => {
    const sro = subsetRollout({ routes: ['primary'] }, { managedRoutes: ['set-header'] });
    const result = setHeaderRoute(regularVs(), sro, header('set-header', { exact: 'x' }));
    expect(result.kind === 'error' && result.error.reason).toBe('DestinationRuleNotFound');
  });

  it('§5.5 VS with retries/corsPolicy/ports → header route copies port 8443; cleanup keeps the extras', () => {
    const vs = extrasVs();
    const out = expectUpdated(setHeaderRoute(vs, ro, header('set-header', { exact: 'x' })));
    expect(out.spec.http?.[0]?.route?.[0]?.destination).toEqual({ host: 'canary', port: { number: 8443 } });
    expect(out.spec.http?.[1]).toEqual(vs.spec.http?.[0]);
    expect(expectUpdated(removeManagedRoutes(out, ro))).toEqual(vs);
  });

  it('§5.6/§5.40 prefix header route on a plain VS is one update; setting it twice adds no duplicate', () => {
    const step = header('set-header', { prefix: 'fire' });
    const once = expectUpdated(setHeaderRoute(regularVs(), ro, step));
    expect(setHeaderRoute(once, ro, step)).toEqual({ kind: 'unchanged' });
    expect(names(once).filter((n) => n === 'set-header')).toHaveLength(1);
  });
});

describe('mirror routes', () => {
  const ro = hostRollout({ routes: ['primary'] }, { managedRoutes: ['mirror-1', 'mirror-2'] });

  it('§5.34 mirror route first, copies primary, mirror.host=canary, 100%; removal and RemoveManagedRoutes', () => {
    const out = expectUpdated(setMirrorRoute(regularVs(), ro, mirror('mirror-1')));
    expect(out.spec.http?.[0]).toEqual({
      name: 'mirror-1',
      match: [{ method: { exact: 'GET' } }],
      route: stableCanary(100, 0),
      mirror: { host: 'canary' },
      mirrorPercentage: { value: 100 },
    });
    expect(expectUpdated(removeMirrorRoute(out, ro, 'mirror-1'))).toEqual(regularVs());
    const two = expectUpdated(setMirrorRoute(out, ro, mirror('mirror-2', 90)));
    expect(two.spec.http?.find((r) => r.name === 'mirror-2')?.mirrorPercentage).toEqual({ value: 90 });
    expect(expectUpdated(removeManagedRoutes(two, ro)).spec.http).toHaveLength(2);
  });

  it('§5.36 mirror destinations keep port 8443; other routes keep their extras', () => {
    const vs = extrasVs();
    const out = expectUpdated(setMirrorRoute(vs, ro, mirror('mirror-1')));
    expect(out.spec.http?.[0]?.route?.map((d) => d.destination.port)).toEqual([
      { number: 8443 },
      { number: 8443 },
    ]);
    expect(out.spec.http?.[0]?.mirror).toEqual({ host: 'canary', port: { number: 8443 } });
    expect(out.spec.http?.[1]).toEqual(vs.spec.http?.[0]);
  });

  it('§5.37 three mirrors ordered by managedRoutes [2,3,1]; SetWeight(40) re-weights them; cleanup', () => {
    const ro3 = hostRollout({ routes: ['primary'] }, { managedRoutes: ['mirror-2', 'mirror-3', 'mirror-1'] });
    let vs = regularVs();
    for (const n of ['mirror-1', 'mirror-2', 'mirror-3'])
      vs = expectUpdated(setMirrorRoute(vs, ro3, mirror(n)));
    const weighted = expectUpdated(setWeight(vs, ro3, 40));
    expect(names(weighted)).toEqual(['mirror-2', 'mirror-3', 'mirror-1', 'primary', 'secondary']);
    for (const i of [0, 1, 2, 3]) expect(weights(weighted, 'http', i)).toEqual({ stable: 60, canary: 40 });
    expect(weights(weighted, 'http', 4)).toEqual({ stable: 100, canary: 0 });
    const without3 = expectUpdated(removeMirrorRoute(weighted, ro3, 'mirror-3'));
    expect(names(without3)).toEqual(['mirror-2', 'mirror-1', 'primary', 'secondary']);
    expect(expectUpdated(removeManagedRoutes(without3, ro3)).spec.http).toHaveLength(2);
  });

  it('§5.38 single unnamed route: weight 30, three mirrors, weight 40 reaches all; cleanup leaves 1 route', () => {
    const ro3 = hostRollout({}, { managedRoutes: ['mirror-2', 'mirror-3', 'mirror-1'] });
    let vs = expectUpdated(setWeight(virtualService({ http: [{ route: stableCanary() }] }), ro3, 30));
    for (const n of ['mirror-1', 'mirror-2', 'mirror-3'])
      vs = expectUpdated(setMirrorRoute(vs, ro3, mirror(n)));
    expect(names(vs)).toEqual(['mirror-2', 'mirror-3', 'mirror-1', undefined]);
    expect(weights(vs, 'http', 3)).toEqual({ stable: 70, canary: 30 });
    const w40 = expectUpdated(setWeight(vs, ro3, 40));
    for (const i of [0, 1, 2, 3]) expect(weights(w40, 'http', i)).toEqual({ stable: 60, canary: 40 });
    expect(expectUpdated(removeManagedRoutes(w40, ro3)).spec.http).toHaveLength(1);
  });

  it('§5.39 subset mode: mirror host = DR host, subset = canary subset, route destinations keep subsets', () => {
    const sro = subsetRollout({ routes: ['primary'] }, { managedRoutes: ['mirror-1'] });
    const vs = virtualService({
      http: [{ name: 'primary', route: [subsetDest('stable', 100), subsetDest('canary', 0)] }],
    });
    const out = expectUpdated(setMirrorRoute(vs, sro, mirror('mirror-1'), destinationRule()));
    expect(out.spec.http?.[0]?.mirror).toEqual({ host: 'guestbook', subset: 'canary' });
    expect(out.spec.http?.[0]?.route?.map((d) => d.destination.subset)).toEqual(['stable', 'canary']);
    expect(expectUpdated(removeManagedRoutes(out, sro)).spec.http).toHaveLength(1);
  });

  it('§5.40 mirror route on a plain VS is one update, the second identical call is unchanged', () => {
    const once = expectUpdated(setMirrorRoute(regularVs(), ro, mirror('mirror-1')));
    expect(setMirrorRoute(once, ro, mirror('mirror-1'))).toEqual({ kind: 'unchanged' });
  });
});

describe('removeManagedRoutes', () => {
  const stepHeader = (name: string): HTTPRoute => ({ name, route: [dest('canary', 100)] });

  it('§5.47 step header routes + managedRoutes + user routes → only primary and the user route remain', () => {
    const ro = hostRollout(
      { routes: ['primary'] },
      { managedRoutes: ['managed-a'], steps: [{ setHeaderRoute: { name: 'step-header' } }] },
    );
    const vs = virtualService({
      http: [
        stepHeader('managed-a'),
        stepHeader('step-header'),
        { name: 'primary', route: stableCanary() },
        { name: 'user', route: [dest('x', 100)] },
      ],
    });
    expect(names(expectUpdated(removeManagedRoutes(vs, ro)))).toEqual(['primary', 'user']);
  });

  it.each([
    ['only a step header route', { setHeaderRoute: { name: 'only-step' } }],
    ['only a step mirror route', { setMirrorRoute: { name: 'only-step' } }],
  ])('§5.49 %s and no managedRoutes → that route removed (one update)', (_n, step) => {
    const ro = hostRollout({ routes: ['primary'] }, { steps: [step] });
    const vs = virtualService({
      http: [stepHeader('only-step'), { name: 'primary', route: stableCanary() }],
    });
    expect(names(expectUpdated(removeManagedRoutes(vs, ro)))).toEqual(['primary']);
  });

  it.each([
    ['neither managedRoutes nor step routes', regularVs()],
    [
      'non-object http entries and no managedRoutes',
      virtualService({ http: ['oops' as unknown as HTTPRoute] }),
    ],
  ])('§5.50 %s → unchanged, no error', (_n, vs) => {
    expect(removeManagedRoutes(vs, hostRollout({ routes: ['primary'] }))).toEqual({ kind: 'unchanged' });
  });

  it.each([
    [
      'spec.http is not a list',
      { http: 'nope' },
      'failed to get http routes from virtual service',
      'spec.http',
    ],
    [
      'non-object entries with managedRoutes',
      { http: [42] },
      'failed to split managed and non-managed routes',
      'spec.http[0]',
    ],
  ])('§5.51 %s → error', (_n, spec, message, field) => {
    const vs = virtualService(spec as unknown as VirtualService['spec']);
    const result = removeManagedRoutes(vs, hostRollout({}, { managedRoutes: ['m'] }));
    expect(result).toEqual({
      kind: 'error',
      error: { reason: 'InvalidRoute', object: 'VirtualService/default/vsvc', message, field },
    });
  });

  it('§5.35 TLS-only VS: RemoveManagedRoutes is a no-op without error', () => {
    const ro = hostRollout({ tlsRoutes: [{ port: 3000 }] }, { managedRoutes: ['m'] });
    expect(removeManagedRoutes(virtualService({ tls: l4Routes() }), ro)).toEqual({ kind: 'unchanged' });
  });
});
