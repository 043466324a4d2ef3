import { describe, expect, it } from 'vitest';
import { runTruesplit } from './harness.js';

const FIXTURES = 'test/cli/fixtures/analysis';

/** Exit code, stdout and stderr of one run, as one golden text. */
async function lintOutput(...paths: string[]): Promise<string> {
  const run = await runTruesplit(['lint', ...paths.flatMap((path) => ['-f', path])]);
  return `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

describe('lint: AnalysisTemplates, ClusterAnalysisTemplates and the Rollout’s analysis references', () => {
  it('passes a Rollout whose templates are in the input and valid (warning only for what truesplit does not run)', async () => {
    await expect(await lintOutput(`${FIXTURES}/valid.yaml`)).toMatchFileSnapshot(
      '../golden/cli/lint-analysis-valid.txt',
    );
  });

  it('names file, line, object and field of each analysis mistake, and exits 1', async () => {
    await expect(await lintOutput(`${FIXTURES}/invalid.yaml`)).toMatchFileSnapshot(
      '../golden/cli/lint-analysis-invalid.txt',
    );
  });

  it('simulate refuses the same input with exit 2, naming the problems on stderr', async () => {
    const run = await runTruesplit(['simulate', '-f', `${FIXTURES}/invalid.yaml`]);
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toContain(
      'invalid.yaml:60: AnalysisTemplate/shop/broken: spec.metrics[1].provider.datadog: provider datadog is not supported by truesplit',
    );
  });

  it('a template given in a second file satisfies the reference: its warning goes', async () => {
    const rollout = 'test/cli/fixtures/compat/unsupported.yaml';
    const missing = "AnalysisTemplate 'success-rate' not found in the input";
    const alone = await runTruesplit(['lint', '-f', rollout]);
    const together = await runTruesplit(['lint', '-f', rollout, '-f', `${FIXTURES}/success-rate.yaml`]);
    expect(alone.stdout.split(missing)).toHaveLength(3);
    expect([together.code, together.stdout.includes(missing)]).toEqual([0, false]);
  });
});
