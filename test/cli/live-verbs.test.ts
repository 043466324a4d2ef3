/**
 * The mutating verbs end to end in-process: `runCli` against the in-memory cluster, asserting the Rollout objects
 * afterwards, the output and the exit code. The controller is not running: what is checked is the intent written.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Rollout, RolloutStatus } from '../../src/api/rollout.js';
import { NoClusterError } from '../../src/cli/live/connect.js';
import type { Cluster } from '../../src/kube/cluster.js';
import { conflict, notFound } from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { NS, seedReplicaSet, seedRollout, truesplit } from './live-verbs-harness.js';

let cluster: MemoryCluster;
const get = (name: string, namespace = NS) => cluster.get('Rollout', namespace, name);
const pausedAtStep1: RolloutStatus = {
  currentStepIndex: 1,
  currentPodHash: 'h2',
  stableRS: 'h1',
  controllerPause: true,
  pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-05-04T09:59:00Z' }],
};

beforeEach(async () => {
  cluster = new MemoryCluster();
  for (const name of [NS, 'other']) {
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
});

describe('promote', () => {
  it('at a pause step clears the pause conditions and leaves the step to the controller', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    const run = await truesplit(cluster, ['promote', 'checkout']);
    expect(run).toMatchObject({ code: 0, stdout: "rollout 'checkout' promoted\n", stderr: '' });
    const status = (await get('checkout')).status;
    expect(status?.pauseConditions).toBeUndefined();
    expect([status?.currentStepIndex, status?.controllerPause]).toEqual([1, true]);
  });

  it('at a setWeight step skips the step', async () => {
    await seedRollout(cluster, 'checkout', { currentStepIndex: 2, currentPodHash: 'h2', stableRS: 'h1' });
    expect((await truesplit(cluster, ['promote', 'checkout'])).code).toBe(0);
    expect((await get('checkout')).status?.currentStepIndex).toBe(3);
  });

  it('--full sets status.promoteFull and says so', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    const run = await truesplit(cluster, ['promote', 'checkout', '--full']);
    expect(run.stdout).toBe("rollout 'checkout' fully promoted\n");
    expect((await get('checkout')).status).toMatchObject({ promoteFull: true, currentStepIndex: 1 });
  });

  it('on a manual pause lifts spec.paused as well', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    await cluster.patch('Rollout', NS, 'checkout', { spec: { paused: true } });
    expect((await truesplit(cluster, ['promote', 'checkout'])).code).toBe(0);
    const after = await get('checkout');
    expect([after.spec.paused, after.status?.pauseConditions]).toEqual([false, undefined]);
  });
});

describe('abort, retry, pause, resume, restart', () => {
  it('abort sets status.abort, retry clears it', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    const aborted = await truesplit(cluster, ['abort', 'checkout']);
    expect(aborted.stdout).toBe("rollout 'checkout' aborted\n");
    expect((await get('checkout')).status?.abort).toBe(true);
    const retried = await truesplit(cluster, ['retry', 'rollout', 'checkout']);
    expect(retried).toMatchObject({ code: 0, stdout: "rollout 'checkout' retried\n" });
    expect((await get('checkout')).status).toMatchObject({ abort: false, currentStepIndex: 1 });
  });

  it('pause sets spec.paused, twice without complaint; resume lifts only the manual pause', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    for (let i = 0; i < 2; i++) {
      expect(await truesplit(cluster, ['pause', 'checkout'])).toMatchObject({
        code: 0,
        stdout: "rollout 'checkout' paused\n",
      });
      expect((await get('checkout')).spec.paused).toBe(true);
    }
    expect((await truesplit(cluster, ['resume', 'checkout'])).stdout).toBe("rollout 'checkout' resumed\n");
    const after = await get('checkout');
    expect(after.spec.paused).toBe(false);
    expect(after.status?.pauseConditions).toEqual(pausedAtStep1.pauseConditions);
  });

  it('pause takes several names and reports each as it goes; a missing one fails with exit 1', async () => {
    await seedRollout(cluster, 'checkout', {});
    await seedRollout(cluster, 'cart', {});
    const run = await truesplit(cluster, ['pause', 'checkout', 'cart', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("rollout 'checkout' paused\nrollout 'cart' paused\n");
    expect(run.stderr).toBe('truesplit pause: Rollout "nope" not found in namespace "shop"\n');
    expect([(await get('checkout')).spec.paused, (await get('cart')).spec.paused]).toEqual([true, true]);
  });

  it.each([
    { argv: [], restartAt: '2026-05-04T10:00:00Z', said: '0s' },
    { argv: ['--in', '10m'], restartAt: '2026-05-04T10:10:00Z', said: '10m' },
    { argv: ['-i', '90'], restartAt: '2026-05-04T10:01:30Z', said: '90' },
  ])('restart $argv sets spec.restartAt $restartAt', async ({ argv, restartAt, said }) => {
    await seedRollout(cluster, 'checkout', {});
    const run = await truesplit(cluster, ['restart', 'checkout', ...argv]);
    expect(run).toMatchObject({ code: 0, stdout: `rollout 'checkout' restarts in ${said}\n` });
    expect((await get('checkout')).spec.restartAt).toBe(restartAt);
  });
});

describe('set image', () => {
  it('changes the named container and nothing else', async () => {
    await seedRollout(cluster, 'checkout', {});
    const run = await truesplit(cluster, ['set', 'image', 'checkout', 'app=checkout:3']);
    expect(run).toMatchObject({ code: 0, stdout: 'rollout "checkout" image updated\n', stderr: '' });
    const images = (await get('checkout')).spec.template?.spec?.containers?.map((c) => c.image);
    expect(images).toEqual(['checkout:3', 'proxy:1']);
  });

  it('retries when another writer changes the Rollout in between', async () => {
    await seedRollout(cluster, 'checkout', {});
    let conflicts = 0;
    cluster.faultInjector = (op) =>
      op.verb === 'patch' && conflicts++ === 0 ? conflict('rollouts "checkout"') : undefined;
    expect((await truesplit(cluster, ['set', 'image', 'checkout', '*=all:9'])).code).toBe(0);
    expect(conflicts).toBe(2);
    const images = (await get('checkout')).spec.template?.spec?.containers?.map((c) => c.image);
    expect(images).toEqual(['all:9', 'all:9']);
  });

  it('an unknown container: exit 1, the Rollout and field named, nothing written', async () => {
    await seedRollout(cluster, 'checkout', {});
    const writes = cluster.writes().length;
    const run = await truesplit(cluster, ['set', 'image', 'checkout', 'web=web:2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'truesplit set image: Rollout shop/checkout: unable to find container named "web" in spec.template.spec (has containers/app, containers/proxy)\n',
    );
    expect(cluster.writes().length).toBe(writes);
  });
});

describe('undo', () => {
  async function seedHistory(): Promise<void> {
    const owner = await seedRollout(cluster, 'checkout', { currentPodHash: 'h3', stableRS: 'h2' });
    await cluster.patch('Rollout', NS, 'checkout', {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'checkout:3' },
              { name: 'proxy', image: 'proxy:1' },
            ],
          },
        },
      },
    });
    await seedReplicaSet(cluster, owner, 1, 'checkout:1');
    await seedReplicaSet(cluster, owner, 2, 'checkout:2');
    await seedReplicaSet(cluster, owner, 3, 'checkout:3');
  }

  it.each([
    { argv: [], image: 'checkout:2' },
    { argv: ['--to-revision', '1'], image: 'checkout:1' },
  ])('undo $argv restores the template of that revision without the hash label', async ({ argv, image }) => {
    await seedHistory();
    const run = await truesplit(cluster, ['undo', 'checkout', ...argv]);
    expect(run).toMatchObject({ code: 0, stdout: "rollout 'checkout' undo\n" });
    const template = (await get('checkout')).spec.template;
    expect(template?.metadata?.labels).toEqual({ app: 'checkout' });
    expect(template?.spec?.containers?.[0]).toMatchObject({ name: 'app', image });
  });

  it('to the revision already running: skipped, nothing written', async () => {
    await seedHistory();
    const writes = cluster.writes().length;
    const run = await truesplit(cluster, ['undo', 'checkout', '--to-revision', '3']);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'skipped rollback (current template already matches revision 3)\n',
    });
    expect(cluster.writes().length).toBe(writes);
  });

  it('to a missing revision: exit 1 naming the Rollout and the revisions it has', async () => {
    await seedHistory();
    const run = await truesplit(cluster, ['undo', 'checkout', '--to-revision', '9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'truesplit undo: Rollout shop/checkout: unable to find revision 9 in history (ReplicaSets annotated rollout.argoproj.io/revision: 1, 2, 3)\n',
    );
  });
});

describe('intent only', () => {
  it('every verb writes the Rollout and nothing else (no ReplicaSet, no pod)', async () => {
    const owner = await seedRollout(cluster, 'checkout', pausedAtStep1);
    await seedReplicaSet(cluster, owner, 1, 'checkout:1');
    await seedReplicaSet(cluster, owner, 2, 'checkout:2');
    const before = cluster.writes().length;
    const verbs = [
      ['promote', 'checkout'],
      ['promote', 'checkout', '--full'],
      ['abort', 'checkout'],
      ['retry', 'rollout', 'checkout'],
      ['pause', 'checkout'],
      ['resume', 'checkout'],
      ['restart', 'checkout'],
      ['set', 'image', 'checkout', 'app=checkout:3'],
      ['undo', 'checkout', '--to-revision', '1'],
    ];
    for (const argv of verbs) expect((await truesplit(cluster, argv)).code).toBe(0);
    const writes = cluster.writes().slice(before);
    expect(writes.length).toBeGreaterThanOrEqual(verbs.length);
    expect(new Set(writes.map((w) => `${w.verb} ${w.kind}/${w.name}`))).toEqual(
      new Set(['patch Rollout/checkout']),
    );
  });
});

describe('kube flags and machine output', () => {
  it('-n picks the namespace; --kubeconfig and --context reach the connection', async () => {
    await seedRollout(cluster, 'checkout', {}, 'other');
    const run = await truesplit(cluster, [
      'pause',
      'checkout',
      '-n',
      'other',
      '--kubeconfig',
      '/tmp/kc',
      '--context',
      'staging',
    ]);
    expect(run.code).toBe(0);
    expect(run.targets).toEqual([{ kubeconfig: '/tmp/kc', context: 'staging' }]);
    expect((await get('checkout', 'other')).spec.paused).toBe(true);
  });

  it.each([
    { format: 'json', read: (text: string) => JSON.parse(text) as Rollout },
    { format: 'yaml', read: (text: string) => parseYaml(text) as Rollout },
  ])('-o $format prints the patched Rollout', async ({ format, read }) => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    const run = await truesplit(cluster, ['abort', 'checkout', '-o', format], true);
    expect(run.code).toBe(0);
    const printed = read(run.stdout);
    expect(printed).toEqual(await get('checkout'));
    expect(printed.status?.abort).toBe(true);
  });

  it('-o json with several names prints a List', async () => {
    await seedRollout(cluster, 'checkout', {});
    await seedRollout(cluster, 'cart', {});
    const run = await truesplit(cluster, ['pause', 'checkout', 'cart', '-o', 'json']);
    const list = JSON.parse(run.stdout) as { kind: string; items: Rollout[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((r) => [r.metadata.name, r.spec.paused])).toEqual([
      ['checkout', true],
      ['cart', true],
    ]);
  });

  it('human output has no colour codes, even on a terminal', async () => {
    await seedRollout(cluster, 'checkout', {});
    const run = await truesplit(cluster, ['pause', 'checkout'], true);
    expect(run.stdout).toBe("rollout 'checkout' paused\n");
  });

  it('falls back to one main-resource patch when the CRD has no status subresource', async () => {
    await seedRollout(cluster, 'checkout', pausedAtStep1);
    await cluster.patch('Rollout', NS, 'checkout', { spec: { paused: true } });
    const sent: unknown[] = [];
    const legacy: Cluster = Object.create(cluster) as Cluster;
    legacy.patch = (kind, namespace, name, patch, options) => {
      if (options?.subresource === 'status') return Promise.reject(notFound('rollouts "checkout" status'));
      sent.push(patch);
      return cluster.patch(kind, namespace, name, patch, options);
    };
    const run = await truesplit(legacy, ['promote', 'checkout']);
    expect(run.code).toBe(0);
    expect(sent).toEqual([{ spec: { paused: false }, status: { pauseConditions: null } }]);
  });

  it('no cluster configured: exit 2 with the reason', async () => {
    const run = await truesplit(new NoClusterError('no cluster configured: set --kubeconfig or KUBECONFIG'), [
      'abort',
      'checkout',
    ]);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'truesplit abort: no cluster configured: set --kubeconfig or KUBECONFIG\n',
    });
  });

  it('no such Rollout: exit 1 naming it and its namespace', async () => {
    const run = await truesplit(cluster, ['promote', 'nope']);
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'truesplit promote: Rollout "nope" not found in namespace "shop"\n',
    });
  });
});

describe('argument errors: exit 2, the cluster never opened', () => {
  it.each([
    { argv: ['promote'], stderr: 'missing rollout name: truesplit promote NAME [--full]' },
    { argv: ['promote', 'a', 'b'], stderr: 'unexpected argument b' },
    { argv: ['promote', 'a', '-c', '-a'], stderr: 'cannot use --skip-current-step and --skip-all-steps' },
    { argv: ['abort'], stderr: 'missing rollout name: truesplit abort NAME...' },
    { argv: ['retry', 'checkout'], stderr: 'unknown resource "checkout": retry takes rollout' },
    { argv: ['retry', 'experiment', 'x'], stderr: 'does not run experiments' },
    {
      argv: ['get', 'analysisrun', 'x'],
      stderr: 'AnalysisRuns are listed under their revision by get rollout NAME',
    },
    { argv: ['restart', 'checkout', '--in', 'soon'], stderr: 'flag --in must be a duration' },
    {
      argv: ['set', 'image', 'checkout'],
      stderr: 'missing arguments: truesplit set image NAME CONTAINER=IMAGE',
    },
    { argv: ['set', 'image', 'checkout', 'app'], stderr: '"app" is not CONTAINER=IMAGE' },
    { argv: ['set', 'image', 'checkout', 'a=b=c'], stderr: '"a=b=c" is not CONTAINER=IMAGE' },
    { argv: ['set', 'image', 'checkout', '=img:1'], stderr: '"=img:1" is not CONTAINER=IMAGE' },
    { argv: ['set', 'env', 'checkout', 'A=1'], stderr: 'unknown set target "env"' },
    { argv: ['set'], stderr: 'missing "image"' },
    { argv: ['undo'], stderr: 'missing rollout name: truesplit undo NAME [--to-revision N]' },
    {
      argv: ['undo', 'checkout', '--to-revision', 'two'],
      stderr: 'flag --to-revision must be a revision number',
    },
    { argv: ['pause', 'checkout', '-o', 'xml'], stderr: 'flag -o/--output must be one of human, json, yaml' },
    { argv: ['pause', 'checkout', '--bogus'], stderr: 'unknown flag --bogus' },
  ])('$argv', async ({ argv, stderr }) => {
    const run = await truesplit(cluster, argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(stderr);
    expect(run.targets).toEqual([]);
  });
});
