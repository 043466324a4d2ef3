import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import { dr, FQDN, injected, NS, ns, rollout, service, strictPa, vs } from './fixtures.js';
import { run, world } from './helpers.js';

const GW = `${NS}/istio-rollout-gateway`;
const meshVs = (spec: Parameters<typeof vs>[1] = {}, name = 'istio-rollout-vsvc', namespace = NS) =>
  vs(name, { hosts: [FQDN], ...spec }, namespace);

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
  // 2.5 route choice
  {
    name: '2.5 header route is a variant, catch-all is the default',
    over: {
      virtualServices: [
        meshVs({
          http: [
            {
              name: 'hdr',
              match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
              route: [{ destination: { host: 'istio-rollout', subset: 'canary' }, weight: 100 }],
            },
            {
              name: 'primary',
              match: [{ uri: { prefix: '/' } }],
              route: [
                { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 100 },
                { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 0 },
              ],
            },
          ],
        }),
      ],
    },
    shares: { [`mesh ${NS}`]: 0.1, [`mesh ${NS} [header x-canary: yes]`]: 1 },
  },
  {
    name: '2.5 match.gateways restricts a route to its gateway',
    over: {
      virtualServices: [
        meshVs({
          gateways: ['istio-rollout-gateway', 'mesh'],
          http: [
            {
              name: 'edge',
              match: [{ gateways: ['istio-rollout-gateway'] }],
              route: [{ destination: { host: 'istio-rollout', subset: 'stable' } }],
            },
            {
              name: 'primary',
              route: [
                { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 100 },
                { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 0 },
              ],
            },
          ],
        }),
      ],
    },
    shares: { [`gateway ${GW}`]: 0, [`mesh ${NS}`]: 0.1 },
  },
  // 2.6 weights
  {
    name: '2.6 weights not summing to 100',
    over: {
      virtualServices: [
        meshVs({
          http: [
            {
              name: 'other',
              route: [
                { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 180 },
                { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 20 },
              ],
            },
          ],
        }),
      ],
    },
    shares: { [`mesh ${NS}`]: 0.1 },
  },
  {
    name: '2.6 host-level: mesh follows weights, plain dialling stable gets 0',
    over: {
      services: [service('istio-rollout-stable'), service('istio-rollout-canary')],
      destinationRules: [],
      virtualServices: [
        vs('istio-rollout-vsvc', {
          hosts: ['istio-rollout-stable'],
          http: [
            {
              name: 'primary',
              route: [
                { destination: { host: 'istio-rollout-stable' }, weight: 100 },
                { destination: { host: 'istio-rollout-canary' }, weight: 0 },
              ],
            },
          ],
        }),
      ],
    },
    ro: rollout({ hostLevel: true }),
    shares: { [`mesh ${NS}`]: 0.1, 'plain legacy': 0 },
  },
  // 2.7 subsets
  {
    name: '2.7 canary subset with no ready pod',
    over: { virtualServices: [meshVs()] },
    pods: [1, 0],
    shares: { [`mesh ${NS}`]: null },
    codes: { [`mesh ${NS}`]: ['subset-missing'] },
  },
  {
    name: '2.7 DestinationRule without the canary subset',
    over: {
      virtualServices: [meshVs()],
      destinationRules: [{ ...dr(), spec: { host: 'istio-rollout', subsets: [{ name: 'stable' }] } }],
    },
    shares: { [`mesh ${NS}`]: null },
    codes: { [`mesh ${NS}`]: ['subset-missing'] },
  },
  // 2.8 no applicable route
  {
    name: '2.8 endpoint ratio over both ReplicaSets',
    over: {},
    pods: [3, 1],
    shares: { [`mesh ${NS}`]: 0.25, 'plain legacy': 0.25 },
  },
  // 2.9 mTLS
  {
    name: '2.9 STRICT blocks plain callers only',
    over: { virtualServices: [meshVs()], peerAuthentications: [strictPa()] },
    shares: { 'plain legacy': null, [`mesh ${NS}`]: 0.1 },
    codes: { 'plain legacy': ['strict-mtls-plain'] },
  },
  {
    name: '2.9 workload PERMISSIVE overrides namespace STRICT',
    over: {
      peerAuthentications: [
        strictPa(),
        {
          ...strictPa(),
          metadata: { name: 'app', namespace: NS },
          spec: { selector: { matchLabels: { app: 'istio-rollout' } }, mtls: { mode: 'PERMISSIVE' } },
        },
      ],
    },
    shares: { 'plain legacy': 0.5 },
  },
  {
    name: '2.9 mesh-wide STRICT in the root namespace',
    over: { peerAuthentications: [strictPa('istio-system')] },
    shares: { 'plain legacy': null },
  },
  // 2.10 readiness
  {
    name: '2.10 Service selecting no pod',
    over: { services: [service('istio-rollout', NS, { app: 'other' })] },
    shares: { [`mesh ${NS}`]: null, 'plain legacy': null },
    codes: { 'plain legacy': ['no-ready-endpoints'] },
  },
  // ambient
  {
    name: 'ambient without waypoint ⇒ L4 endpoint ratio',
    over: {
      namespaces: [injected(NS), ns('amb', { 'istio.io/dataplane-mode': 'ambient' })],
      virtualServices: [meshVs()],
    },
    shares: { 'ambient amb': 0.5 },
    codes: { 'ambient amb': ['ambient-no-waypoint'] },
  },
  {
    name: 'ambient with a waypoint ⇒ VS weights (alpha)',
    over: {
      namespaces: [injected(NS), ns('amb', { 'istio.io/dataplane-mode': 'ambient' })],
      services: [
        {
          ...service(),
          metadata: { name: 'istio-rollout', namespace: NS, labels: { 'istio.io/use-waypoint': 'waypoint' } },
        },
      ],
      virtualServices: [meshVs()],
    },
    shares: { 'ambient amb': 0.1 },
    codes: { 'ambient amb': ['ambient-waypoint-alpha'] },
  },
  // callers
  {
    name: 'declared callers replace namespaces',
    over: {
      virtualServices: [meshVs()],
      callers: [
        { namespace: 'web', injected: true },
        { namespace: 'batch', injected: false },
      ],
    },
    shares: { 'mesh web': 0.1, 'plain batch': 0.5 },
  },
];

describe('path rules §2.5–2.10, ambient, callers (traffic-paths.md)', () => {
  it.each(rows)('$name', ({ over, ro, pods, shares, codes }) => {
    const result = run(world(over, { ...(ro ? { ro } : {}), ...(pods ? { pods } : {}) }));
    for (const [path, share] of Object.entries(shares))
      expect({ path, share: result.shares[path] }).toEqual({ path, share });
    for (const [path, list] of Object.entries(codes ?? {}))
      expect({ path, codes: result.codes[path] }).toEqual({ path, codes: list });
  });
});

describe('dialled Service', () => {
  it('without traffic routing or named Services, the Service selecting the pods is dialled', () => {
    const ro = rollout();
    ro.spec.strategy.canary = { steps: [{ setWeight: 10 }] };
    const result = run(world({ services: [service('frontend')] }, { ro, pods: [3, 1] }));
    expect(result.shares).toMatchObject({ [`mesh ${NS}`]: 0.25, 'plain legacy': 0.25 });
    // Without a traffic router the weight is the pod share: no caller diverges, no sidecar fix is offered.
    expect(result.findings.map((f) => f.code)).toEqual([]);
  });
});
