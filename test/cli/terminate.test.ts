/** `truesplit terminate analysisrun|experiment NAME...` in-process against the in-memory cluster. */
import { beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseTerminateTarget } from '../../src/cli/commands/terminate.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { NS, truesplit } from './live-verbs-harness.js';

let cluster: MemoryCluster;

beforeEach(async () => {
  cluster = new MemoryCluster();
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  for (const name of ['run-a', 'run-b']) {
    await cluster.create('AnalysisRun', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name, namespace: NS },
      spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://x' } } }] },
    });
  }
  await cluster.create('Experiment', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'exp', namespace: NS },
    spec: { templates: [] },
  });
});

describe('terminate', () => {
  it.each([
    {
      argv: ['analysisrun', 'run-a'],
      kind: 'AnalysisRun',
      names: ['run-a'],
      said: "analysisRun 'run-a' terminated\n",
    },
    {
      argv: ['ar', 'run-a', 'run-b'],
      kind: 'AnalysisRun',
      names: ['run-a', 'run-b'],
      said: "analysisRun 'run-a' terminated\nanalysisRun 'run-b' terminated\n",
    },
    {
      argv: ['experiment', 'exp'],
      kind: 'Experiment',
      names: ['exp'],
      said: "experiment 'exp' terminated\n",
    },
    { argv: ['exp', 'exp'], kind: 'Experiment', names: ['exp'], said: "experiment 'exp' terminated\n" },
  ] as const)(
    '$argv: spec.terminate set on each, said as Argo says it',
    async ({ argv, kind, names, said }) => {
      const run = await truesplit(cluster, ['terminate', ...argv]);
      expect(run).toMatchObject({ code: 0, stdout: said, stderr: '' });
      for (const name of names) expect((await cluster.get(kind, NS, name)).spec.terminate).toBe(true);
    },
  );

  it('the run not terminated stays as it was', async () => {
    await truesplit(cluster, ['terminate', 'ar', 'run-a']);
    expect((await cluster.get('AnalysisRun', NS, 'run-b')).spec.terminate).toBeUndefined();
  });

  it('-o yaml prints the patched object', async () => {
    const run = await truesplit(cluster, ['terminate', 'analysisrun', 'run-b', '-o', 'yaml']);
    expect(parseYaml(run.stdout)).toMatchObject({ kind: 'AnalysisRun', spec: { terminate: true } });
  });

  it('a missing object: exit 1, named; the ones before it are done and said', async () => {
    const run = await truesplit(cluster, ['terminate', 'ar', 'run-a', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("analysisRun 'run-a' terminated\n");
    expect(run.stderr).toBe('truesplit terminate: AnalysisRun "nope" not found in namespace "shop"\n');
  });

  it.each([
    { argv: [], message: 'missing resource: truesplit terminate analysisrun|experiment NAME...' },
    {
      argv: ['rollout', 'x'],
      message: 'unknown resource "rollout": terminate takes analysisrun or experiment',
    },
    { argv: ['analysisrun'], message: 'missing AnalysisRun name' },
    { argv: ['experiment'], message: 'missing Experiment name' },
  ])('$argv: usage error naming what is wrong', ({ argv, message }) => {
    expect(() => parseTerminateTarget(argv)).toThrow(message);
  });

  it('bad arguments exit 2 without touching the cluster', async () => {
    const run = await truesplit(cluster, ['terminate', 'pod', 'x']);
    expect(run.code).toBe(2);
    expect(run.targets).toEqual([]);
  });
});
