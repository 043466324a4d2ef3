import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import { FQDN, gateway, injected, NS, ns, rollout, sidecar, vs } from './fixtures.js';
import { run, world } from './helpers.js';

const GW = `${NS}/istio-rollout-gateway`;
const meshVs = (spec: Parameters<typeof vs>[1] = {}, name = 'istio-rollout-vsvc', namespace = NS) =>
  vs(name, { hosts: [FQDN], ...spec }, namespace);
const namespaces = [injected(NS), injected('shop'), ns('legacy')];

interface Row {
  name: string;
  over: Partial<MeshSnapshot>;
  ro?: ReturnType<typeof rollout>;
  pods?: [number, number];
  /** Expected share of the listed paths (others unchecked). */
  shares: Record<string, number | null>;
  /** Expected finding codes on the listed paths. */
  codes?: Record<string, string[]>;
}

const rows: Row[] = [
  // 2.1 binding
  {
    name: '2.1 gateways omitted ⇒ mesh only',
    over: { virtualServices: [meshVs()] },
    shares: { [`mesh ${NS}`]: 0.1, 'mesh *': 0.1 },
  },
  {
    name: '2.1 gateway + mesh listed',
    over: { virtualServices: [meshVs({ gateways: ['istio-rollout-gateway', 'mesh'] })] },
    shares: { [`gateway ${GW}`]: 0.1, [`mesh ${NS}`]: 0.1 },
  },
  {
    name: '2.1 ns/gw form binds the gateway in that namespace',
    over: {
      virtualServices: [meshVs({ gateways: ['istio-system/public'] })],
      gateways: [gateway('public', 'istio-system')],
    },
    shares: { 'gateway istio-system/public': 0.1, [`mesh ${NS}`]: 0.5 },
    codes: { [`mesh ${NS}`]: ['mesh-binding'] },
  },
  {
    name: '2.1 a Gateway that does not exist serves no route: no share, gateway-missing',
    over: { virtualServices: [meshVs({ gateways: ['istio-system/public', 'mesh'] })] },
    shares: { 'gateway istio-system/public': null, [`mesh ${NS}`]: 0.1 },
    codes: { 'gateway istio-system/public': ['gateway-missing'], [`mesh ${NS}`]: [] },
  },
  {
    name: '2.1 a short gateway name missing from the VirtualService namespace: gateway-missing',
    over: {
      virtualServices: [meshVs({ gateways: ['public'] })],
      gateways: [gateway('public', 'istio-system')],
    },
    shares: { [`gateway ${NS}/public`]: null },
    codes: { [`gateway ${NS}/public`]: ['gateway-missing'] },
  },
  {
    name: '2.1 Gateways could not be listed: the gateway share is uncertain, not missing',
    over: {
      virtualServices: [meshVs({ gateways: ['istio-system/public'] })],
      gateways: [],
      unlistedKinds: ['Gateway'],
    },
    shares: { 'gateway istio-system/public': null },
    codes: { 'gateway istio-system/public': ['prediction-uncertain'] },
  },
  {
    name: '2.1 other kinds unlisted: a missing Gateway is still missing',
    over: { virtualServices: [meshVs({ gateways: ['istio-system/public'] })], unlistedKinds: ['Sidecar'] },
    shares: { 'gateway istio-system/public': null },
    codes: { 'gateway istio-system/public': ['gateway-missing'] },
  },
  {
    name: '2.1 gateway only ⇒ mesh falls back to endpoints',
    over: { virtualServices: [meshVs({ gateways: ['istio-rollout-gateway'] })] },
    shares: { [`gateway ${GW}`]: 0.1, [`mesh ${NS}`]: 0.5 },
    codes: { [`mesh ${NS}`]: ['mesh-binding'] },
  },
  // 2.2 hosts
  {
    name: '2.2 short name in the VS namespace',
    over: { virtualServices: [meshVs({ hosts: ['istio-rollout'] })] },
    shares: { [`mesh ${NS}`]: 0.1 },
  },
  {
    name: '2.2 short name in another namespace (trap)',
    over: {
      virtualServices: [
        vs(
          'istio-rollout-vsvc',
          {
            hosts: ['istio-rollout'],
            http: [{ name: 'primary', route: [{ destination: { host: FQDN, subset: 'stable' } }] }],
          },
          'routing',
        ),
      ],
    },
    ro: rollout({ vsNames: ['istio-rollout-vsvc.routing'] }),
    shares: { [`mesh ${NS}`]: 0.5 },
    codes: { [`mesh ${NS}`]: ['mesh-host'] },
  },
  {
    name: '2.2 wildcard *.ns.svc.cluster.local',
    over: { virtualServices: [meshVs({ hosts: [`*.${NS}.svc.cluster.local`] })] },
    shares: { [`mesh ${NS}`]: 0.1 },
  },
  {
    // Istio gives `istio-rollout.ns` its own virtual host: callers dialling that name get the VS, FQDN callers not.
    name: '2.2 dotted name.ns is taken literally: the share depends on the name dialled',
    over: { virtualServices: [meshVs({ hosts: [`istio-rollout.${NS}`] })] },
    shares: { [`mesh ${NS}`]: null },
    codes: { [`mesh ${NS}`]: ['mesh-host', 'prediction-uncertain'] },
  },
  {
    name: '2.2 "*" on a mesh-bound VS is rejected, for its gateways too',
    over: { virtualServices: [meshVs({ hosts: ['*'], gateways: ['istio-rollout-gateway', 'mesh'] })] },
    shares: { [`gateway ${GW}`]: null, [`mesh ${NS}`]: 0.5 },
    codes: { [`gateway ${GW}`]: ['mesh-wildcard'], [`mesh ${NS}`]: ['mesh-wildcard'] },
  },
  // 2.3 visibility
  {
    name: '2.3 exportTo "." ⇒ only the VS namespace',
    over: { namespaces, virtualServices: [meshVs({ exportTo: ['.'] })] },
    shares: { [`mesh ${NS}`]: 0.1, 'mesh shop': 0.5, 'mesh *': 0.5 },
    codes: { 'mesh shop': ['export-to'] },
  },
  {
    name: '2.3 exportTo list',
    over: { namespaces, virtualServices: [meshVs({ exportTo: ['shop'] })] },
    shares: { [`mesh ${NS}`]: 0.5, 'mesh shop': 0.1 },
    codes: { [`mesh ${NS}`]: ['export-to'] },
  },
  {
    name: '2.3 exportTo omitted ⇒ everywhere',
    over: { namespaces, virtualServices: [meshVs()] },
    shares: { 'mesh shop': 0.1, 'mesh *': 0.1 },
  },
  {
    name: '2.3 Sidecar ./* hides another namespace',
    over: { namespaces, virtualServices: [meshVs()], sidecars: [sidecar('shop', ['./*', 'istio-system/*'])] },
    shares: { 'mesh shop': 0.5, [`mesh ${NS}`]: 0.1 },
    codes: { 'mesh shop': ['sidecar-egress'] },
  },
  {
    name: '2.3 Sidecar ns/* imports',
    over: { namespaces, virtualServices: [meshVs()], sidecars: [sidecar('shop', [`${NS}/*`])] },
    shares: { 'mesh shop': 0.1 },
  },
  {
    name: '2.3 Sidecar */fqdn imports',
    over: { namespaces, virtualServices: [meshVs()], sidecars: [sidecar('shop', [`*/${FQDN}`])] },
    shares: { 'mesh shop': 0.1 },
  },
  {
    name: '2.3 Sidecar ~/* hides everything',
    over: { namespaces, virtualServices: [meshVs()], sidecars: [sidecar('shop', ['~/*'])] },
    shares: { 'mesh shop': 0.5 },
    codes: { 'mesh shop': ['sidecar-egress'] },
  },
  {
    name: '2.3 root Sidecar ./* applies to namespaces without their own',
    over: { namespaces, virtualServices: [meshVs()], sidecars: [sidecar('istio-system', ['./*'])] },
    shares: { 'mesh shop': 0.5, [`mesh ${NS}`]: 0.1, 'mesh *': 0.5 },
  },
  // 2.4 conflicts
  {
    name: '2.4 two mesh VSs with different weights ⇒ unpredictable',
    over: {
      virtualServices: [
        meshVs(),
        meshVs(
          { http: [{ route: [{ destination: { host: 'istio-rollout', subset: 'stable' } }] }] },
          'user-vs',
        ),
      ],
    },
    shares: { [`mesh ${NS}`]: null },
    codes: { [`mesh ${NS}`]: ['mesh-conflict', 'prediction-uncertain'] },
  },
];

describe('path rules §2.1–2.4 (traffic-paths.md)', () => {
  it.each(rows)('$name', ({ over, ro, pods, shares, codes }) => {
    const result = run(world(over, { ...(ro ? { ro } : {}), ...(pods ? { pods } : {}) }));
    for (const [path, share] of Object.entries(shares))
      expect({ path, share: result.shares[path] }).toEqual({ path, share });
    for (const [path, list] of Object.entries(codes ?? {}))
      expect({ path, codes: result.codes[path] }).toEqual({ path, codes: list });
  });

  it('enumerates gateway, mesh, plain and generic paths in a stable order', () => {
    const result = run(
      world({
        namespaces,
        virtualServices: [meshVs({ gateways: ['istio-rollout-gateway', 'mesh'] })],
        gateways: [gateway()],
      }),
    );
    expect(Object.keys(result.shares)).toEqual([
      `gateway ${GW}`,
      `mesh ${NS}`,
      'mesh shop',
      'mesh *',
      'plain legacy',
      'plain *',
    ]);
  });
});
