import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RolloutStatus } from '../../src/api/rollout.js';
import { STATUS_EXIT } from '../../src/cli/commands/status.js';
import type { RolloutRow } from '../../src/cli/live/rollout-rows.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import {
  clusterAt,
  healthyStatus,
  NAME,
  NS,
  pausedAt10,
  runLive,
  setRolloutStatus,
} from './live-read-fixtures.js';

const brokenPaused = () => clusterAt('broken-mesh', pausedAt10(['x7k2p'], ['b9mzq']));

/** Two namespaces: the paused demo, and a second Rollout (no steps, no status yet) in `shop`. */
async function twoNamespaces(): Promise<MemoryCluster> {
  const cluster = await brokenPaused();
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  await cluster.create('Rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: { containers: [{ name: 'app', image: 'checkout:1' }] },
      },
      strategy: { canary: {} },
    },
  });
  return cluster;
}

describe('truesplit list rollouts', () => {
  it('prints one row per Rollout of the namespace (golden)', async () => {
    const run = await runLive(['list', 'rollouts'], await twoNamespaces());
    expect(run.code).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot('../golden/cli/live/list.txt');
  });

  it('adds a NAMESPACE column with -A (golden)', async () => {
    const run = await runLive(['list', 'ro', '-A'], await twoNamespaces());
    expect(run.code).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot('../golden/cli/live/list-all-namespaces.txt');
  });

  it('prints records with -o json', async () => {
    const run = await runLive(['list', 'rollout', '-A', '-o', 'json'], await twoNamespaces());
    const { items } = JSON.parse(run.stdout) as { items: RolloutRow[] };
    expect(items.map((r) => `${r.namespace}/${r.name}`)).toEqual([`${NS}/${NAME}`, 'shop/checkout']);
    expect(items[0]).toMatchObject({ status: 'Paused', step: '1/2', setWeight: 10, ready: 2, current: 2 });
    expect(items[1]).toMatchObject({ status: 'Progressing', step: '-', desired: 3 });
  });

  it('says so when a namespace has no Rollout', async () => {
    const run = await runLive(['list', 'rollouts', '-n', 'legacy-clients'], await brokenPaused());
    expect(run).toMatchObject({ code: 0, stdout: 'No Rollouts found in namespace legacy-clients.\n' });
  });

  it('prints the table again when a Rollout changes with -w', async () => {
    const cluster = await brokenPaused();
    let changed = false;
    const run = await runLive(['list', 'rollouts', '-w', '-t', '1s'], cluster, {
      onStdout: () => {
        if (changed) return;
        changed = true;
        void setRolloutStatus(cluster, healthyStatus(1));
      },
    });
    expect(run.code).toBe(0);
    const tables = run.stdout.split('\n\n');
    expect(tables).toHaveLength(2);
    expect(tables[0]).toMatch(/istio-rollout\s+Canary\s+Paused\s+1\/2\s+10\s/);
    expect(tables[1]).toMatch(/istio-rollout\s+Canary\s+Healthy\s+2\/2\s+100\s/);
  });
});

const paused = pausedAt10(['x7k2p'], ['b9mzq']).status;

describe('truesplit status', () => {
  it.each<{ name: string; status: RolloutStatus | undefined; code: number; line: string }>([
    { name: 'Healthy', status: healthyStatus(1), code: 0, line: 'Healthy' },
    { name: 'Paused', status: paused, code: STATUS_EXIT.pending, line: 'Paused - CanaryPauseStep' },
    {
      name: 'Progressing',
      status: { ...paused, phase: 'Progressing', message: 'more replicas need to be updated' },
      code: 4,
      line: 'Progressing - more replicas need to be updated',
    },
    {
      name: 'Degraded (aborted)',
      status: {
        ...paused,
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update',
        abort: true,
      },
      code: 1,
      line: 'Degraded - RolloutAborted: Rollout aborted update',
    },
    {
      name: 'status not observed yet',
      status: undefined,
      code: 4,
      line: 'Progressing - waiting for rollout spec update to be observed',
    },
  ])('$name: exit $code', async ({ status, code, line }) => {
    const cluster = await brokenPaused();
    if (status) await setRolloutStatus(cluster, status);
    else await cluster.patch('Rollout', NS, NAME, { spec: { replicas: 2 } });
    const run = await runLive(['status', NAME], cluster);
    expect(run).toMatchObject({ code, stdout: `${line}\n`, stderr: '' });
  });

  it('prints phase and message as JSON with -o json', async () => {
    const run = await runLive(['status', NAME, '-o', 'json'], await brokenPaused());
    expect(JSON.parse(run.stdout)).toEqual({ phase: 'Paused', message: 'CanaryPauseStep' });
  });

  it('with -w waits until Healthy, printing every change', async () => {
    const cluster = await brokenPaused();
    let changed = false;
    const run = await runLive(['status', NAME, '-w', '--timeout', '5s'], cluster, {
      onStdout: () => {
        if (changed) return;
        changed = true;
        void setRolloutStatus(cluster, healthyStatus(1));
      },
    });
    expect(run).toMatchObject({ code: 0, stdout: 'Paused - CanaryPauseStep\nHealthy\n' });
  });

  it('with -w gives up after --timeout with exit 1', async () => {
    const run = await runLive(['status', NAME, '-w', '--timeout', '200ms'], await brokenPaused());
    expect(run.code).toBe(STATUS_EXIT.degraded);
    expect(run.stdout).toBe('Paused - CanaryPauseStep\n');
    expect(run.stderr).toContain(`timed out waiting for rollout "${NAME}"`);
  });

  it('exits 1 naming the Rollout when it does not exist', async () => {
    const run = await runLive(['status', 'nope'], await brokenPaused());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^truesplit status: .*nope/);
  });
});

describe('argument errors', () => {
  it.each([
    { argv: ['get', 'rollout'], stderr: 'missing rollout name: truesplit get rollout NAME' },
    { argv: ['get'], stderr: 'missing resource: get rollout NAME' },
    { argv: ['get', 'deployment', 'x'], stderr: 'unknown resource "deployment": get takes rollout' },
    { argv: ['get', 'rollout', 'a', 'b'], stderr: 'unexpected argument b' },
    { argv: ['get', 'rollout', NAME, '-o', 'xml'], stderr: 'flag -o/--output must be one of' },
    { argv: ['get', 'rollout', NAME, '--timeout', '5s'], stderr: 'flag --timeout needs -w/--watch' },
    { argv: ['get', 'rollout', NAME, '-w', '-t', 'soon'], stderr: 'flag --timeout must be a duration' },
    { argv: ['list'], stderr: 'missing resource: list rollout NAME' },
    { argv: ['list', 'pods'], stderr: 'unknown resource "pods": list takes rollout' },
    { argv: ['list', 'rollouts', '-A', '-n', 'x'], stderr: 'cannot be used together' },
    { argv: ['list', 'rollouts', '-o', 'wide'], stderr: 'flag -o/--output must be one of' },
    { argv: ['status'], stderr: 'missing rollout name: truesplit status NAME' },
    { argv: ['status', NAME, '-o', 'table'], stderr: 'flag -o/--output must be one of' },
    { argv: ['status', NAME, '--bogus'], stderr: 'unknown flag --bogus' },
  ])('$argv.0 $argv.1 $argv.2: exit 2', async ({ argv, stderr }) => {
    const cluster = new MemoryCluster();
    const run = await runLive(argv, cluster);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(stderr);
    expect(cluster.operations).toEqual([]);
  });
});

describe('no cluster configured', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('exits 2 when neither KUBECONFIG, ~/.kube/config nor a service account exists', async () => {
    vi.stubEnv('HOME', await mkdtemp(join(tmpdir(), 'truesplit-home-')));
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    const run = await runLive(['list', 'rollouts'], undefined);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'truesplit list: no cluster configured: set --kubeconfig or KUBECONFIG, or select a context with --context\n',
    );
  });

  it.each([
    ['get', 'rollout', NAME],
    ['list', 'rollouts'],
    ['status', NAME],
  ])('%s: exit 2 with a clear message instead of localhost:8080', async (...argv) => {
    const dir = await mkdtemp(join(tmpdir(), 'truesplit-kubeconfig-'));
    const empty = join(dir, 'config');
    await writeFile(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const run = await runLive([...argv, '--kubeconfig', empty], undefined);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^truesplit ${argv[0]}: no cluster configured`));
  });

  it('names an unknown --context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'truesplit-kubeconfig-'));
    const config = join(dir, 'config');
    await writeFile(
      config,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'contexts: [{name: dev, context: {cluster: c, user: u}}]',
        'users: [{name: u, user: {token: t}}]',
        'current-context: dev',
      ].join('\n'),
    );
    const run = await runLive(['status', NAME, '--kubeconfig', config, '--context', 'prod'], undefined);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('context "prod" not found in kubeconfig (known: dev)');
  });
});
