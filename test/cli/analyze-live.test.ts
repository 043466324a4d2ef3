import { describe, expect, it } from 'vitest';
import type { AnalyzeReport } from '../../src/cli/analyze-report.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { runTruesplit } from './harness.js';
import { clusterAt, NAME, NS, pausedAt10, runLive } from './live-read-fixtures.js';

const brokenPaused = () => clusterAt('broken-mesh', pausedAt10(['x7k2p'], ['b9mzq']));
const fixedPaused = () =>
  clusterAt('fixed-mesh', pausedAt10(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'], ['b1']));

describe('truesplit analyze --live', () => {
  it.each([
    { name: 'broken', setup: brokenPaused, code: 1 },
    { name: 'fixed', setup: fixedPaused, code: 0 },
  ])('$name mesh: report (golden), exit $code', async ({ name, setup, code }) => {
    const run = await runLive(['analyze', '--live'], await setup());
    expect(run.code).toBe(code);
    await expect(run.stdout).toMatchFileSnapshot(`../golden/cli/live/analyze-${name}.txt`);
  });

  it('reports the same steps and findings as file mode, plus the live moment', async () => {
    const live = await runLive(['analyze', '--live', '-o', 'json'], await brokenPaused());
    const files = await runTruesplit(['analyze', '-f', 'examples/broken-mesh', '-o', 'json']);
    const liveReport = JSON.parse(live.stdout) as AnalyzeReport;
    const fileReport = JSON.parse(files.stdout) as AnalyzeReport;
    expect(liveReport.rollouts[0]?.rollout).toBe(`${NS}/${NAME}`);
    expect(liveReport.findings.map((f) => f.code)).toEqual(fileReport.findings.map((f) => f.code));
    const now = liveReport.rollouts[0]?.live;
    expect(now).toMatchObject({ phase: 'Paused', step: '1/2', canaryWeight: 10 });
    const mesh = now?.paths.find((p) => p.kind === 'mesh' && p.from === NS);
    expect(mesh).toMatchObject({ canaryShare: 0.5, desiredShare: 0.1, followsWeight: false });
    expect(now?.findings).toContain('mesh-binding');
    expect(files.stdout).not.toContain('"live"');
  });

  it.each([
    { flags: ['-A'], code: 1 },
    { flags: ['-n', NS], code: 1 },
    { flags: ['-n', NS, '--fail-on', 'never'], code: 0 },
  ])('reads the scope $flags', async ({ flags, code }) => {
    const run = await runLive(['analyze', '--live', ...flags], await brokenPaused(), {
      defaultNamespace: 'default',
    });
    expect(run.code).toBe(code);
    expect(run.stdout).toContain(`Rollout ${NS}/${NAME}\nNow: Paused at step 1/2, canary weight 10%`);
  });

  it('exits 2 when the namespace holds no Rollout', async () => {
    const run = await runLive(['analyze', '--live', '-n', 'legacy-clients'], await brokenPaused());
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('truesplit analyze: no Rollout in legacy-clients');
  });

  it('reports an invalid live Rollout naming the field, and analyses the others', async () => {
    const cluster = await brokenPaused();
    await cluster.create('Rollout', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'bad', namespace: NS },
      spec: {
        selector: { matchLabels: { app: 'bad' } },
        template: { metadata: { labels: { app: 'bad' } }, spec: { containers: [{ name: 'a' }] } },
        strategy: { canary: { steps: [{ setWeight: 140 }] } },
      },
    });
    const run = await runLive(['analyze', '--live', '--fail-on', 'never'], cluster);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Rollout/${NS}/bad: spec.strategy.canary.steps[0].setWeight`);
    expect(run.stdout).toContain(`Rollout ${NS}/${NAME}\nNow: Paused at step 1/2, canary weight 10%`);
  });

  it.each([
    { argv: ['analyze', '--live', '-f', 'examples/broken-mesh'], stderr: '--live reads the cluster' },
    { argv: ['analyze', '--live', 'examples'], stderr: '--live reads the cluster' },
    { argv: ['analyze', '--live', '-A', '-n', NS], stderr: 'cannot be used together' },
    { argv: ['analyze', '-f', 'examples/broken-mesh', '-n', NS], stderr: 'flag --namespace needs --live' },
    { argv: ['analyze', '-f', 'examples/broken-mesh', '-A'], stderr: 'flag --all-namespaces needs --live' },
    {
      argv: ['analyze', '--live', '-o', 'wide'],
      stderr: 'flag -o/--output must be one of table, json, yaml',
    },
  ])('exits 2 on $argv', async ({ argv, stderr }) => {
    const cluster = new MemoryCluster();
    const run = await runLive(argv, cluster);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(stderr);
    expect(cluster.operations).toEqual([]);
  });

  it('exits 2 when no cluster is configured', async () => {
    const run = await runLive(['analyze', '--live', '--kubeconfig', '/nonexistent/kubeconfig'], undefined);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('truesplit analyze: cannot read kubeconfig /nonexistent/kubeconfig');
  });
});
