/**
 * `truesplit simulate` on a ping-pong canary (ADR 0220): the gateway gets each setWeight (20 %, not the 2-of-12 pod
 * ratio the unhashed pair gave), and callers that can only dial the ping Service get the `ping-pong-dialled` error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTruesplit } from './harness.js';

const MANIFESTS = 'test/cli/fixtures/ping-pong/manifests.yaml';
const GATEWAY = 'payments/payments-gateway';

interface Report {
  rollouts: {
    steps: { index: number; paths: { kind: string; from: string; canaryShare: number | null }[] }[];
  }[];
  findings: { code: string; severity: string; objects: string[] }[];
}

async function simulate(stdin: string): Promise<Report> {
  const run = await runTruesplit(['simulate', '-f', '-', '-o', 'json'], { stdin });
  expect([run.code, run.stderr]).toEqual([0, '']);
  return JSON.parse(run.stdout) as Report;
}

const gatewayShares = (report: Report) =>
  report.rollouts[0]?.steps.map(
    (s) => s.paths.find((p) => p.kind === 'gateway' && p.from === GATEWAY)?.canaryShare,
  );

describe('simulate: pingPong', () => {
  const manifests = readFileSync(MANIFESTS, 'utf8');

  it('the gateway follows every step; no finding about the pair when callers dial a Service over all pods', async () => {
    const report = await simulate(manifests);
    expect(gatewayShares(report)).toEqual([0.2, 0.2, 0.5, 0.5, 0]);
    expect(report.findings.map((f) => f.code)).not.toContain('ping-pong-dialled');
  });

  it('callers that can only dial payments-ping: ping-pong-dialled', async () => {
    const pairOnly = manifests
      .split(/^---$/m)
      .filter((doc) => !/^\s*name: payments$/m.test(doc) || !/kind: Service\b/.test(doc))
      .join('---')
      .replace('payments.payments.svc.cluster.local', 'payments-ping.payments.svc.cluster.local');
    const report = await simulate(pairOnly);
    expect(gatewayShares(report)).toEqual([0.2, 0.2, 0.5, 0.5, 0]);
    // During the update callers dial ping (stable); once promoted pong is stable and they would dial pong.
    const dialled = report.findings.filter((f) => f.code === 'ping-pong-dialled');
    expect(dialled.map((f) => f.objects[1]).sort()).toEqual([
      'Service/payments/payments-ping',
      'Service/payments/payments-pong',
    ]);
    expect(dialled.some((f) => f.severity === 'error')).toBe(true);
  });
});
