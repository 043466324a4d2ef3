import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { DestinationRule, VirtualService } from '../../src/api/index.js';
import { renderTrafficObjects } from '../../src/traffic/istio/index.js';
import {
  dest,
  destinationRule,
  hostRollout,
  intent,
  subsetDest,
  subsetRollout,
  virtualService,
} from './fixtures.js';

const WEIGHTS = [0, 10, 50, 100];

function hostFixture(): VirtualService {
  const vs = virtualService({
    hosts: ['guestbook.example.com'],
    gateways: ['guestbook-gateway'],
    http: [
      { name: 'health', match: [{ uri: { exact: '/healthz' } }], route: [dest('stable', 100)] },
      {
        name: 'primary',
        timeout: '5s',
        route: [
          dest('stable.default.svc.cluster.local', 100, { port: { number: 80 } }),
          dest('canary', 0, { port: { number: 80 } }),
        ],
      },
    ],
  });
  return vs;
}

function subsetFixture(): { vs: VirtualService; dr: DestinationRule } {
  const vs = virtualService({
    hosts: ['guestbook'],
    http: [
      {
        name: 'primary',
        retries: { attempts: 2 },
        route: [subsetDest('stable', 100), subsetDest('canary', 0)],
      },
    ],
  });
  const dr = destinationRule([
    { name: 'stable', labels: { app: 'guestbook' } },
    {
      name: 'canary',
      labels: { app: 'guestbook' },
      trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
    },
  ]);
  dr.spec.trafficPolicy = { tls: { mode: 'ISTIO_MUTUAL' } };
  return { vs, dr };
}

const header = {
  kind: 'header' as const,
  name: 'canary-header',
  step: { name: 'canary-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'true' } }] },
};

describe('renderTrafficObjects golden files', () => {
  it.each(WEIGHTS)('host-level at weight %i', async (w) => {
    const ro = hostRollout({ routes: ['primary'] }, { managedRoutes: ['canary-header'] });
    const managedRoutes = w > 0 && w < 100 ? [header] : [];
    const rendered = renderTrafficObjects(ro, intent({ canaryWeight: w, managedRoutes }), {
      virtualServices: [hostFixture()],
    });
    expect(rendered.errors).toEqual([]);
    await expect(stringify(rendered.objects)).toMatchFileSnapshot(`../golden/traffic/host-level-w${w}.yaml`);
  });

  it.each(WEIGHTS)('subset-level at weight %i', async (w) => {
    const { vs, dr } = subsetFixture();
    const ro = subsetRollout({ routes: ['primary'] });
    const hashes = { canaryHash: '7d9f8c6b5', stableHash: '5c8b7f59c' };
    const rendered = renderTrafficObjects(ro, intent({ canaryWeight: w, ...hashes }), {
      virtualServices: [vs],
      destinationRule: dr,
    });
    expect(rendered.errors).toEqual([]);
    await expect(stringify(rendered.objects)).toMatchFileSnapshot(
      `../golden/traffic/subset-level-w${w}.yaml`,
    );
  });

  it('returns the input object with its error when the intent cannot be applied', () => {
    const vs = virtualService({ http: [{ name: 'other', route: [dest('stable', 100), dest('canary', 0)] }] });
    const rendered = renderTrafficObjects(
      hostRollout({ routes: ['primary'] }),
      intent({ canaryWeight: 10 }),
      { virtualServices: [vs] },
    );
    expect(rendered.objects).toEqual([vs]);
    expect(rendered.errors.map((e) => e.message)).toEqual([
      "HTTP Route 'primary' is not found in the defined Virtual Service.",
    ]);
  });
});
