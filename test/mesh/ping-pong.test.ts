/**
 * The path model follows the ping-pong Services (ADR 0220): each role's hash in its selector, the route weights on
 * the ping and pong destinations by the roles in `status.canary.stablePingPong`, and the `ping-pong-dialled` finding
 * when callers can only dial one of the pair.
 */
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/index.js';
import { withStablePingPong } from '../../src/api/ping-pong.js';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import { FQDN, injected, NS, ns, rollout, service, vs } from './fixtures.js';
import { run, world } from './helpers.js';

const PING = 'istio-rollout-ping';
const PONG = 'istio-rollout-pong';
const GATEWAY = `gateway ${NS}/istio-rollout-gateway`;

/** A VirtualService for the gateway and the mesh that weighs ping and pong on `hosts`. */
function pingPongVs(hosts: string[]) {
  return vs('istio-rollout-vsvc', {
    gateways: ['istio-rollout-gateway', 'mesh'],
    hosts,
    http: [
      {
        name: 'primary',
        route: [
          { destination: { host: PING }, weight: 100 },
          { destination: { host: PONG }, weight: 0 },
        ],
      },
    ],
  });
}

function pingPongRollout(stable?: 'ping' | 'pong'): Rollout {
  return withStablePingPong(rollout({ pingPong: true, replicas: 12 }), stable);
}

const pairOnly: Partial<MeshSnapshot> = {
  namespaces: [injected(NS), ns('legacy')],
  services: [service(PING), service(PONG)],
  destinationRules: [],
  virtualServices: [pingPongVs([`${PING}.${NS}.svc.cluster.local`])],
};
const withRootService: Partial<MeshSnapshot> = {
  ...pairOnly,
  services: [service(), service(PING), service(PONG)],
  virtualServices: [pingPongVs([FQDN])],
};

describe('path model with pingPong (ADR 0220)', () => {
  it.each([
    // 10 stable and 2 canary pods at weight 10: the pod ratio would be 2/12.
    {
      name: 'ping stable (status unset)',
      stable: undefined,
      over: withRootService,
      mesh: 0.1,
      plain: 2 / 12,
    },
    { name: 'ping stable', stable: 'ping' as const, over: withRootService, mesh: 0.1, plain: 2 / 12 },
    {
      name: 'pong stable (roles swapped)',
      stable: 'pong' as const,
      over: withRootService,
      mesh: 0.1,
      plain: 2 / 12,
    },
  ])(
    '$name: gateway and mesh get the weight, plain callers the pod ratio',
    ({ stable, over, mesh, plain }) => {
      const { shares, findings } = run(world(over, { ro: pingPongRollout(stable), pods: [10, 2] }));
      expect(shares[GATEWAY]).toBeCloseTo(0.1, 9);
      expect(shares[`mesh ${NS}`]).toBeCloseTo(mesh, 9);
      expect(shares['plain legacy']).toBeCloseTo(plain, 6);
      expect(findings.map((f) => f.code)).not.toContain('ping-pong-dialled');
    },
  );

  it('the ping and pong Services select the hash of their role', () => {
    for (const [stable, stableService, canaryService] of [
      ['ping', PING, PONG],
      ['pong', PONG, PING],
    ] as const) {
      const { snapshot } = world(withRootService, { ro: pingPongRollout(stable) });
      const hashOf = (name: string) =>
        snapshot.services.find((s) => s.metadata.name === name)?.spec.selector?.[
          'rollouts-pod-template-hash'
        ];
      expect([hashOf(stableService), hashOf(canaryService), hashOf('istio-rollout')]).toEqual([
        'stable0001',
        'canary0002',
        undefined,
      ]);
    }
  });

  it('callers that can only dial the ping Service: ping-pong-dialled, an error, with a Service to dial as the fix', () => {
    const { findings, codes } = run(world(pairOnly, { ro: pingPongRollout('ping'), pods: [10, 2] }));
    const finding = findings.find((f) => f.code === 'ping-pong-dialled');
    expect(finding?.severity).toBe('error');
    expect(finding?.objects).toEqual([`Rollout/${NS}/istio-rollout`, `Service/${NS}/${PING}`]);
    expect(finding?.message).toContain('its role swaps at every promotion');
    expect(finding?.fix).toContain('name: istio-rollout');
    expect(codes['plain legacy']).toEqual(['ping-pong-dialled']);
  });
});
