import { describe, expect, it } from 'vitest';
import { runTruesplit } from './harness.js';

const FIXTURE = 'test/cli/fixtures/compat/unsupported.yaml';

describe('fields valid under Argo that truesplit does not implement', () => {
  it('lint warns with file, line, object and field, and exits 0', async () => {
    const run = await runTruesplit(['lint', '-f', FIXTURE]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((line) => line.replace(/: warning: .*/, ''))).toEqual([
      `${FIXTURE}:23: Rollout/shop/checkout: spec.strategy.canary.analysis.templates`,
      `${FIXTURE}:27: Rollout/shop/checkout: spec.strategy.canary.steps[1].experiment`,
      `${FIXTURE}:33: Rollout/shop/checkout: spec.strategy.canary.steps[2].analysis.templates`,
      `${FIXTURE}:55: Rollout/shop/blue: spec.strategy.blueGreen`,
    ]);
    expect(lines[0]).toContain(
      "warning: AnalysisTemplate 'success-rate' not found in the input: it must exist in the cluster",
    );
    expect(lines[1]).toContain(
      'warning: is not supported by truesplit: no Experiment is created; the Rollout holds at this step',
    );
    expect(run.stderr).toMatch(/2 valid Rollouts, 0 problems in 0 objects, 4 warnings\n$/);
  });

  it('simulate shows the held steps instead of crashing (a Rollout held as a whole has no steps)', async () => {
    const run = await runTruesplit(['simulate', '-f', FIXTURE, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.includes(': warning: '))).toHaveLength(4);
    const report = JSON.parse(run.stdout) as {
      rollouts: { rollout: string; steps: { index: number; canaryWeight: number }[] }[];
    };
    const weights = report.rollouts.map((r) => [r.rollout, r.steps.map((s) => s.canaryWeight)]);
    expect(weights).toEqual([
      ['shop/checkout', [25, 25, 25, 50, 0]],
      ['shop/blue', []],
    ]);
  });

  it('simulate does not crash on spec.paused: true', async () => {
    const run = await runTruesplit(['simulate', '-f', 'test/cli/fixtures/compat/paused.yaml', '-o', 'json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as { rollouts: { steps: { canaryWeight: number }[] }[] };
    expect(report.rollouts[0]?.steps.map((s) => s.canaryWeight)).toEqual([25, 25, 0]);
  });
});

describe('kinds of other API groups', () => {
  const INPUT = ['-f', 'examples/istio-host', '-f', 'test/cli/fixtures/compat/foreign'];

  it('lint ignores an App Mesh VirtualService and a Gateway API Gateway', async () => {
    const run = await runTruesplit(['lint', ...INPUT]);
    expect([run.code, run.stdout]).toEqual([0, '']);
  });

  it('simulate gives the same report with them as without them', async () => {
    const [alone, mixed] = await Promise.all([
      runTruesplit(['simulate', '-f', 'examples/istio-host', '-o', 'json']),
      runTruesplit(['simulate', ...INPUT, '-o', 'json']),
    ]);
    expect([mixed.code, mixed.stderr]).toEqual([0, '']);
    expect(mixed.stdout).toBe(alone.stdout);
  });
});

describe('a Rollout with no Service in the input', () => {
  it('has no in-cluster path and no invented "no traffic" finding', async () => {
    const run = await runTruesplit(['simulate', '-f', 'test/cli/fixtures/compat/paused.yaml', '-o', 'json']);
    const report = JSON.parse(run.stdout) as {
      rollouts: { steps: { paths: unknown[] }[] }[];
      findings: unknown[];
    };
    expect(report.rollouts[0]?.steps.map((s) => s.paths)).toEqual([[], [], []]);
    expect(report.findings).toEqual([]);
  });
});

describe('metadata.generateName instead of metadata.name', () => {
  const FIXTURE = 'test/cli/fixtures/compat/generate-name.yaml';

  it('lint accepts two Rollouts with the same generateName (each would get its own name)', async () => {
    const run = await runTruesplit(['lint', '-f', FIXTURE]);
    expect([run.code, run.stdout]).toEqual([0, '']);
    expect(run.stderr).toMatch(/2 valid Rollouts, 0 problems/);
  });

  it('simulate names each by its generateName and a marker no reference can match', async () => {
    const run = await runTruesplit(['simulate', '-f', FIXTURE, '-o', 'json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as {
      rollouts: { rollout: string; steps: { canaryWeight: number }[] }[];
    };
    expect(report.rollouts.map((r) => [r.rollout, r.steps.map((s) => s.canaryWeight)])).toEqual([
      ['shop/web-<generated>', [25, 25, 0]],
      ['shop/web-<generated>', [50, 0]],
    ]);
  });
});
