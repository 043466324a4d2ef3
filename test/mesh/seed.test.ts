import { describe, expect, it } from 'vitest';
import { FQDN, NS, rollout, seedWorld, vs, withPods } from './fixtures.js';
import { run } from './helpers.js';

const GW = `gateway ${NS}/istio-rollout-gateway`;
const gatewayVs = vs('istio-rollout-vsvc', { gateways: ['istio-rollout-gateway'], hosts: ['*'] });
const meshVs = vs('istio-rollout-vsvc-mesh', { gateways: ['mesh'], hosts: [FQDN] });
const fixed = rollout({ vsNames: ['istio-rollout-vsvc', 'istio-rollout-vsvc-mesh'] });

describe('seed scenario (traffic-paths.md §4)', () => {
  it.each([
    { name: 'before the fix', over: {}, ro: rollout(), pods: [1, 1], expected: [0.1, 0.5, 0.5] },
    {
      name: 'after the fix (gateway VS + mesh VS)',
      over: { virtualServices: [gatewayVs, meshVs] },
      ro: fixed,
      pods: [1, 1],
      expected: [0.1, 0.1, 0.5],
    },
    {
      name: 'after the fix with replicas 10 + dynamicStableScale (canary 1, stable 9)',
      over: { virtualServices: [gatewayVs, meshVs] },
      ro: rollout({
        replicas: 10,
        dynamic: true,
        vsNames: ['istio-rollout-vsvc', 'istio-rollout-vsvc-mesh'],
      }),
      pods: [9, 1],
      expected: [0.1, 0.1, 0.1],
    },
  ])('$name: gateway/mesh/plain = $expected', ({ over, ro, pods, expected }) => {
    const { shares } = run(withPods(seedWorld(over, ro), pods[0]!, pods[1]!));
    expect([shares[GW], shares[`mesh ${NS}`], shares['plain legacy']]).toEqual(expected);
  });

  it('before the fix: findings match the golden file', async () => {
    const { findings } = run(withPods(seedWorld(), 1, 1));
    const text = `${JSON.stringify(findings, null, 2)}\n`;
    await expect(text).toMatchFileSnapshot('../golden/mesh/seed-findings.json');
  });

  it('after the fix only the plain callers remain (warning)', () => {
    const { findings } = run(withPods(seedWorld({ virtualServices: [gatewayVs, meshVs] }, fixed), 1, 1));
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['plain-callers', 'warning']]);
  });
});
