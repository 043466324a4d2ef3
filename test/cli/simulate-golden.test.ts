import { describe, expect, it } from 'vitest';
import { runTruesplit } from './harness.js';

const EXAMPLES = ['istio-subset', 'istio-host', 'basic'];

describe('truesplit simulate on the examples (golden)', () => {
  it.each(EXAMPLES.flatMap((example) => ['json', 'table'].map((format) => ({ example, format }))))(
    '$example -o $format',
    async ({ example, format }) => {
      const run = await runTruesplit(['simulate', '-f', `examples/${example}`, '-o', format]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      await expect(run.stdout).toMatchFileSnapshot(
        `../golden/cli/simulate-${example}.${format === 'json' ? 'json' : 'txt'}`,
      );
    },
  );

  it('keeps the report contract: rollouts[].rollout, steps[] with weights, replicas and paths, findings[]', async () => {
    const { stdout } = await runTruesplit(['simulate', '-f', 'examples/istio-subset', '-o', 'json']);
    const report = JSON.parse(stdout) as {
      rollouts: { rollout: string; steps: Record<string, unknown>[] }[];
      findings: Record<string, unknown>[];
    };
    expect(report.rollouts.map((r) => r.rollout)).toEqual(['shop/checkout']);
    for (const step of report.rollouts[0]!.steps) {
      expect(Object.keys(step)).toEqual(
        expect.arrayContaining(['index', 'step', 'canaryWeight', 'stableWeight', 'replicas', 'paths']),
      );
      expect(step).not.toHaveProperty('objects');
      for (const path of step['paths'] as Record<string, unknown>[]) {
        expect(Object.keys(path)).toEqual(
          expect.arrayContaining(['kind', 'from', 'canaryShare', 'followsWeight', 'findings']),
        );
      }
    }
    expect(report.findings.map((f) => f['code'])).toEqual(['plain-callers']);
    for (const finding of report.findings) {
      expect(Object.keys(finding)).toEqual(
        expect.arrayContaining(['code', 'severity', 'message', 'objects', 'fix']),
      );
    }
  });

  it('simulates every Rollout of the input in input order, or the one named by --rollout', async () => {
    const paths = EXAMPLES.flatMap((example) => ['-f', `examples/${example}`]);
    const all = await runTruesplit(['simulate', ...paths, '-o', 'yaml']);
    expect(all.code).toBe(0);
    expect([...all.stdout.matchAll(/^ {2}- rollout: (.+)$/gm)].map((m) => m[1])).toEqual([
      'shop/checkout',
      'payments/payments',
      'catalog/catalog',
    ]);
    const one = await runTruesplit(['simulate', ...paths, '--rollout', 'checkout', '-o', 'json']);
    expect(
      (JSON.parse(one.stdout) as { rollouts: { rollout: string }[] }).rollouts.map((r) => r.rollout),
    ).toEqual(['shop/checkout']);
  });

  it('colours the table only on a terminal without NO_COLOR', async () => {
    const argv = ['simulate', '-f', 'examples/basic'];
    expect((await runTruesplit(argv, { isTTY: true })).stdout).toContain('\u001b[1mRollout catalog/catalog');
    expect((await runTruesplit(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(
      '\u001b[',
    );
  });
});
