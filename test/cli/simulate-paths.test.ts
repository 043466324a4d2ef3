import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizePaths } from '../../src/cli/simulate-report.js';
import type { SimulatedPath } from '../../src/cli/simulate-report.js';
import { runTruesplit } from './harness.js';

interface ReportPath {
  kind: string;
  from: string;
  canaryShare: number | null;
  followsWeight: boolean;
  findings: string[];
  severity?: string;
}
interface Report {
  rollouts: {
    steps: { index: number; replicas: { stable: number; canary: number }; paths: ReportPath[] }[];
  }[];
  findings: { code: string; severity: string; steps?: number[] }[];
}

async function simulateJson(argv: string[], stdin?: string): Promise<Report> {
  const run = await runTruesplit(['simulate', ...argv, '-o', 'json'], stdin === undefined ? {} : { stdin });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

function share(report: Report, step: number, kind: string, from: string): number | null | undefined {
  const paths = report.rollouts[0]?.steps.find((s) => s.index === step)?.paths ?? [];
  return paths.find((p) => p.kind === kind && p.from === from)?.canaryShare;
}

const GATEWAY = 'rollouts-demo-istio/istio-rollout-gateway';
const STRICT_MTLS = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: rollouts-demo-istio
spec:
  mtls:
    mode: STRICT
`;

describe('truesplit simulate: traffic paths per step (spec §4)', () => {
  it.each([
    // replicas 1: at setWeight 10, 1 canary and 1 stable pod.
    { example: 'broken-mesh', pods: { canary: 1, stable: 1 }, gateway: 0.1, mesh: 0.5, plain: 0.5 },
    // replicas 10 + dynamicStableScale: 1 canary and ceil(10 × 90 / 100) = 9 stable pods.
    { example: 'fixed-mesh', pods: { canary: 1, stable: 9 }, gateway: 0.1, mesh: 0.1, plain: 0.1 },
  ])(
    '$example at setWeight 10 and its pause: gateway $gateway, mesh $mesh, plain $plain',
    async ({ example, pods, gateway, mesh, plain }) => {
      const report = await simulateJson(['-f', `examples/${example}`]);
      for (const step of [0, 1]) {
        expect(report.rollouts[0]?.steps[step]?.replicas).toEqual(pods);
        expect(share(report, step, 'gateway', GATEWAY)).toBeCloseTo(gateway, 9);
        expect(share(report, step, 'mesh', 'rollouts-demo-istio')).toBeCloseTo(mesh, 9);
        expect(share(report, step, 'plain', 'legacy-clients')).toBeCloseTo(plain, 9);
      }
    },
  );

  it.each([
    { example: 'broken-mesh', findings: ['mesh-binding:error', 'plain-callers:warning'] },
    { example: 'fixed-mesh', findings: [] },
  ])('$example: findings deduplicated over the steps', async ({ example, findings }) => {
    const report = await simulateJson(['-f', `examples/${example}`]);
    expect(report.findings.map((f) => `${f.code}:${f.severity}`)).toEqual(findings);
  });

  it('a path that fails has a null share, an error finding and the ✖ mark', async () => {
    const report = await simulateJson(['-f', 'examples/fixed-mesh', '-f', '-'], STRICT_MTLS);
    const plain = report.rollouts[0]?.steps[0]?.paths.find((p) => p.kind === 'plain');
    expect(plain).toMatchObject({
      canaryShare: null,
      followsWeight: false,
      findings: ['strict-mtls-plain'],
      severity: 'error',
    });
    expect(report.findings.map((f) => f.code)).toEqual(['strict-mtls-plain']);
    const table = await runTruesplit(['simulate', '-f', 'examples/fixed-mesh', '-f', '-'], {
      stdin: STRICT_MTLS,
    });
    expect(table.stdout).toContain('gw 10% · mesh 10% · plain fails✖');
    expect(table.stdout).toMatch(/^✖ ERROR strict-mtls-plain \(steps 0, 1, 2\): STRICT mTLS/m);
  });

  it('broken-mesh table: marks the worst finding of each kind of path', async () => {
    const run = await runTruesplit(['simulate', '-f', 'examples/broken-mesh']);
    const rows = run.stdout.split('\n').filter((line) => /^\d+ /.test(line));
    expect(rows.map((row) => row.split(/ {3,}/).at(-1))).toEqual([
      'gw 10% · mesh 50%✖ · plain 50%⚠',
      'gw 10% · mesh 50%✖ · plain 50%⚠',
      'gw 0% · mesh 0%ℹ · plain 0%',
    ]);
  });
});

describe('summarizePaths', () => {
  const path = (over: Partial<SimulatedPath>): SimulatedPath => ({
    kind: 'mesh',
    from: '*',
    canaryShare: 0.1,
    desiredShare: 0.1,
    followsWeight: true,
    findings: [],
    ...over,
  });
  it.each([
    { name: 'no paths', paths: [], text: '-' },
    {
      name: 'kinds in a fixed order',
      paths: [path({ kind: 'plain' }), path({ kind: 'gateway', from: 'ns/gw' }), path({})],
      text: 'gw 10% · mesh 10% · plain 10%',
    },
    {
      name: 'distinct shares of one kind, worst mark',
      paths: [
        path({ from: 'a', severity: 'warning' }),
        path({ from: 'b', canaryShare: 0.5, severity: 'error' }),
      ],
      text: 'mesh 10%/50%✖',
    },
    {
      name: 'header-route variants left out',
      paths: [path({}), path({ variant: 'header x-beta', canaryShare: 1 })],
      text: 'mesh 10%',
    },
    { name: 'failing path', paths: [path({ kind: 'ambient', canaryShare: null })], text: 'ambient fails' },
    { name: 'info mark', paths: [path({ canaryShare: 0.167, severity: 'info' })], text: 'mesh 16.7%ℹ' },
  ])('$name → "$text"', ({ paths, text }) => {
    expect(summarizePaths(paths)).toBe(text);
  });
});

describe('examples/fixed-mesh/README.md', () => {
  it('states the 10 % every path gets, not the pre-scale-down 9.1 %', () => {
    const readme = readFileSync('examples/fixed-mesh/README.md', 'utf8');
    expect(readme).toContain('gateway 10 %, mesh 10 %, plain 10 %');
    expect(readme).not.toContain('9.1');
  });
});
