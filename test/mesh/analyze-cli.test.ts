import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/analyze-report.js';
import { runAnalyze } from './cli-io.js';

const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;

function shareAt(report: AnalyzeReport, step: number, kind: string, from: string): number | null | undefined {
  const paths = report.rollouts[0]?.steps.find((s) => s.index === step)?.paths ?? [];
  return paths.find((p) => p.kind === kind && p.from === from && p.variant === undefined)?.canaryShare;
}

describe('truesplit analyze', () => {
  it('broken-mesh: table output matches the golden file, exit 1', async () => {
    const { code, stdout } = await runAnalyze(['-f', example('broken-mesh')]);
    expect(code).toBe(1);
    await expect(stdout).toMatchFileSnapshot('../golden/mesh/analyze-broken-mesh.txt');
  });

  it.each([
    { name: 'broken-mesh', gateway: 0.1, mesh: 0.5, plain: 0.5 },
    // replicas 10 + dynamicStableScale: 1 canary and 9 stable pods once the step has settled (spec §4).
    { name: 'fixed-mesh', gateway: 0.1, mesh: 0.1, plain: 0.1 },
  ])(
    '$name at setWeight 10: gateway $gateway, mesh $mesh, plain $plain',
    async ({ name, gateway, mesh, plain }) => {
      const { stdout } = await runAnalyze(['-f', example(name), '-o', 'json']);
      const report = JSON.parse(stdout) as AnalyzeReport;
      expect(shareAt(report, 0, 'gateway', 'rollouts-demo-istio/istio-rollout-gateway')).toBeCloseTo(
        gateway,
        9,
      );
      expect(shareAt(report, 0, 'mesh', 'rollouts-demo-istio')).toBeCloseTo(mesh, 9);
      expect(shareAt(report, 0, 'plain', 'legacy-clients')).toBeCloseTo(plain, 9);
    },
  );

  it.each([
    { name: 'broken-mesh', flags: [], code: 1 },
    { name: 'broken-mesh', flags: ['--fail-on', 'never'], code: 0 },
    { name: 'fixed-mesh', flags: [], code: 0 },
    { name: 'fixed-mesh', flags: ['--fail-on', 'info'], code: 0 },
    { name: 'broken-mesh', flags: ['--tolerance', '39'], code: 1 },
    { name: 'broken-mesh', flags: ['--tolerance', '40'], code: 0 },
    { name: 'fixed-mesh', flags: ['--fail-on', 'sometimes'], code: 2 },
    { name: 'fixed-mesh', flags: ['-o', 'xml'], code: 2 },
    { name: 'fixed-mesh', flags: ['--bogus'], code: 2 },
  ])('$name $flags → exit $code', async ({ name, flags, code }) => {
    expect((await runAnalyze(['-f', example(name), ...flags])).code).toBe(code);
  });

  it('invalid input exits 2 naming the object and field', async () => {
    const manifest = readFileSync(`${example('broken-mesh')}/rollout.yaml`, 'utf8').replace(
      'setWeight: 10',
      'setWeight: 180',
    );
    const { code, stderr, stdout } = await runAnalyze(['-f', '-'], manifest);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Rollout/rollouts-demo-istio/istio-rollout');
    expect(stderr).toContain('setWeight');
  });

  it('no input exits 2', async () => {
    expect((await runAnalyze([])).code).toBe(2);
  });
});
