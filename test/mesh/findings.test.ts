import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import { FINDING_CODES, replicasForExactWeights } from '../../src/mesh/index.js';
import { dr, FQDN, injected, NS, ns, rollout, service, sidecar, strictPa, vs } from './fixtures.js';
import { run, world } from './helpers.js';

const meshVs = (spec: Parameters<typeof vs>[1] = {}, name = 'istio-rollout-vsvc') =>
  vs(name, { hosts: [FQDN], ...spec });
const VS_REF = `VirtualService/${NS}/istio-rollout-vsvc`;

interface Row {
  code: string;
  over: Partial<MeshSnapshot>;
  pods?: [number, number];
  ro?: ReturnType<typeof rollout>;
  severity: string;
  /** Substrings the message and the fix must contain. */
  message: string[];
  fix: string[];
}

const rows: Row[] = [
  {
    code: 'mesh-binding',
    over: {},
    severity: 'error',
    message: ['desired 10%', 'effective 50%', '1 canary of 2 ready pods'],
    fix: ['gateways:', '- mesh', FQDN, 'virtualServices:', 'istio-rollout-vsvc-mesh'],
  },
  {
    code: 'mesh-binding',
    over: { virtualServices: [meshVs({ gateways: ['istio-rollout-gateway'] })] },
    severity: 'error',
    message: [VS_REF],
    fix: ['- istio-rollout-gateway', '- mesh', `- ${FQDN}`],
  },
  {
    code: 'mesh-host',
    over: { virtualServices: [meshVs({ hosts: ['istio-rollout.other'] })] },
    severity: 'error',
    message: ['effective 50%'],
    fix: [`- ${FQDN}`],
  },
  {
    code: 'export-to',
    over: { namespaces: [injected(NS), injected('shop')], virtualServices: [meshVs({ exportTo: ['.'] })] },
    severity: 'error',
    message: ['mesh from shop'],
    fix: ['exportTo:', '- shop'],
  },
  {
    code: 'plain-callers',
    over: { virtualServices: [meshVs()] },
    severity: 'warning',
    message: ['plain from legacy', 'effective 50%'],
    fix: [
      'kubectl label namespace legacy istio-injection=enabled',
      'dynamicStableScale: true',
      'replicas: 10',
      'istio-rollout-stable',
    ],
  },
  {
    code: 'sidecar-egress',
    over: {
      namespaces: [injected(NS), injected('shop')],
      virtualServices: [meshVs()],
      sidecars: [sidecar('shop', ['./*'])],
    },
    severity: 'error',
    message: ['Sidecar/shop/default', 'effective 50%'],
    fix: [`${NS}/${FQDN}`],
  },
  {
    code: 'subset-missing',
    over: { virtualServices: [meshVs()] },
    pods: [1, 0],
    severity: 'error',
    message: ["subset 'canary' selects no ready pod", 'no traffic'],
    fix: ['kind: DestinationRule', 'name: canary'],
  },
  {
    code: 'mesh-conflict',
    over: {
      virtualServices: [
        meshVs(),
        meshVs(
          {
            http: [
              {
                route: [
                  { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 90 },
                  { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 10 },
                ],
              },
            ],
          },
          'user-vs',
        ),
      ],
    },
    severity: 'info',
    message: ['IST0109'],
    fix: ['delete virtualservice user-vs'],
  },
  {
    code: 'mesh-wildcard',
    over: { virtualServices: [meshVs({ hosts: ['*'], gateways: ['istio-rollout-gateway', 'mesh'] })] },
    severity: 'error',
    message: ['"*"'],
    fix: [`- ${FQDN}`, 'istio-rollout-vsvc-mesh'],
  },
  {
    code: 'ambient-no-waypoint',
    over: {
      namespaces: [injected(NS), ns('amb', { 'istio.io/dataplane-mode': 'ambient' })],
      virtualServices: [meshVs()],
    },
    severity: 'error',
    message: ['ambient from amb', 'effective 50%'],
    fix: ['istioctl waypoint apply -n rollouts-demo-istio'],
  },
  {
    code: 'strict-mtls-plain',
    over: { peerAuthentications: [strictPa()] },
    severity: 'error',
    message: [`PeerAuthentication/${NS}/default`],
    fix: ['istio-injection=enabled', 'PERMISSIVE'],
  },
  {
    code: 'no-ready-endpoints',
    over: { services: [service('istio-rollout', NS, { app: 'nope' })] },
    severity: 'error',
    message: ['selects no ready pod'],
    fix: ['get pods -l app=nope'],
  },
  {
    code: 'no-default-route',
    over: {
      virtualServices: [
        meshVs({
          http: [
            {
              match: [{ headers: { x: { exact: '1' } } }],
              route: [{ destination: { host: 'istio-rollout', subset: 'stable' } }],
            },
          ],
        }),
      ],
    },
    severity: 'error',
    message: ['no route for ordinary requests'],
    fix: ['http:'],
  },
  {
    code: 'ambient-waypoint-alpha',
    over: {
      namespaces: [
        ns(NS, { 'istio-injection': 'enabled', 'istio.io/use-waypoint': 'wp' }),
        ns('amb', { 'istio.io/dataplane-mode': 'ambient' }),
      ],
      virtualServices: [meshVs()],
    },
    severity: 'info',
    message: ['alpha'],
    fix: ['No change required'],
  },
  {
    code: 'ping-pong-dialled',
    over: {
      services: [service('istio-rollout-ping'), service('istio-rollout-pong')],
      destinationRules: [],
      virtualServices: [
        meshVs({
          hosts: [`istio-rollout-ping.${NS}.svc.cluster.local`],
          http: [
            {
              name: 'primary',
              route: [
                { destination: { host: 'istio-rollout-ping' }, weight: 100 },
                { destination: { host: 'istio-rollout-pong' }, weight: 0 },
              ],
            },
          ],
        }),
      ],
    },
    ro: rollout({ pingPong: true }),
    severity: 'error',
    message: [`Service/${NS}/istio-rollout-ping`, 'plain from legacy'],
    fix: ['kind: Service', 'name: istio-rollout'],
  },
  {
    code: 'gateway-missing',
    over: { virtualServices: [meshVs({ gateways: ['edge/public', 'mesh'] })] },
    severity: 'error',
    message: ['Gateway/edge/public, which does not exist', 'IST0101'],
    fix: ['kind: Gateway', 'name: public', 'namespace: edge', `- ${FQDN}`, 'spec.gateways of ' + VS_REF],
  },
  {
    code: 'prediction-uncertain',
    over: { virtualServices: [meshVs({ tcp: [{ route: [{ destination: { host: 'istio-rollout' } }] }] })] },
    severity: 'warning',
    message: ['TCP or TLS routes', 'unknown (prediction uncertain)'],
    fix: ['istioctl proxy-config routes'],
  },
];

describe('findings (traffic-paths.md §3)', () => {
  it.each(rows)('$code ($severity)', ({ code, over, pods, ro, severity, message, fix }) => {
    const { findings } = run(world(over, { ...(pods ? { pods } : {}), ...(ro ? { ro } : {}) }));
    const finding = findings.find((f) => f.code === code);
    expect(finding?.severity).toBe(severity);
    for (const text of message) expect(finding?.message).toContain(text);
    for (const text of fix) expect(finding?.fix).toContain(text);
  });

  it('covers every public code', () => {
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(FINDING_CODES));
  });

  it('mesh-conflict with diverging weights is an error', () => {
    const other = meshVs(
      { http: [{ route: [{ destination: { host: 'istio-rollout', subset: 'stable' } }] }] },
      'user-vs',
    );
    const { findings } = run(world({ virtualServices: [meshVs(), other] }));
    expect(findings.find((f) => f.code === 'mesh-conflict')?.severity).toBe('error');
  });

  it('generic paths alone raise one level lower (no declared plain caller)', () => {
    const { findings } = run(world({ namespaces: [injected(NS)], virtualServices: [meshVs()] }));
    expect(findings.find((f) => f.code === 'plain-callers')?.severity).toBe('info');
  });

  it('a DestinationRule missing entirely is subset-missing', () => {
    const { findings, shares } = run(
      world({ virtualServices: [meshVs()], destinationRules: [{ ...dr('other-dr', NS, 'unrelated') }] }),
    );
    expect(findings.find((f) => f.code === 'subset-missing')?.message).toContain(
      'no DestinationRule for host',
    );
    expect(shares[`mesh ${NS}`]).toBeNull();
  });

  it.each([
    { weights: [10], replicas: 10 },
    { weights: [25, 50], replicas: 4 },
    { weights: [20, 50, 80], replicas: 10 },
    { weights: [33], replicas: 100 },
    { weights: [], replicas: 1 },
  ])('replicas for exact weights $weights → $replicas', ({ weights, replicas }) => {
    expect(replicasForExactWeights(weights)).toBe(replicas);
  });
});

describe('mesh-binding next to a user mesh VirtualService', () => {
  it('suggests managing the existing VirtualService, never a second one', () => {
    const user = vs('user-mesh', { hosts: [FQDN] });
    const { findings, shares } = run(
      world({
        virtualServices: [
          vs('istio-rollout-vsvc', { gateways: ['istio-rollout-gateway'], hosts: ['*'] }),
          user,
        ],
      }),
    );
    expect(shares[`mesh ${NS}`]).toBe(0);
    const fix = findings.find((f) => f.code === 'mesh-binding')?.fix ?? '';
    expect(fix).toContain('name: user-mesh');
    expect(fix).not.toContain('istio-rollout-vsvc-mesh');
  });
});

describe('plain callers of host-level routing', () => {
  it('are pinned to stable by design: info, no replica advice', () => {
    const hostVs = vs('istio-rollout-vsvc', {
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
    });
    const over = {
      services: [service('istio-rollout-stable'), service('istio-rollout-canary')],
      destinationRules: [],
      virtualServices: [hostVs],
    };
    const { findings } = run(world(over, { ro: rollout({ hostLevel: true }) }));
    const plain = findings.find((f) => f.code === 'plain-callers');
    expect(plain?.severity).toBe('info');
    expect(plain?.message).toContain('stay on stable until promotion');
    expect(plain?.fix).toContain('Nothing to fix');
    expect(plain?.fix).not.toContain('dynamicStableScale');
  });
});
