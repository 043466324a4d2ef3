/**
 * `truesplit create -f` and `truesplit create analysisrun --from` in-process against the in-memory cluster: what is
 * created, what is refused before the first write (nothing half-applied), the messages and exit codes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisTemplate } from '../../src/api/analysis.js';
import { parseArgFlags } from '../../src/cli/live/create-analysis-run.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { NS, truesplit } from './live-verbs-harness.js';

let cluster: MemoryCluster;
let dir: string;

beforeEach(async () => {
  cluster = new MemoryCluster();
  for (const name of [NS, 'other']) {
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  dir = await mkdtemp(join(tmpdir(), 'truesplit-create-'));
});

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 2
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: app
          image: checkout:1
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {}
`;

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: error-rate
spec:
  args:
    - name: service
    - name: threshold
      value: "0.05"
  metrics:
    - name: errors
      count: 1
      successCondition: result[0] < {{args.threshold}}
      provider:
        web:
          url: http://metrics.shop/{{args.service}}
`;

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const writes = () => cluster.writes().filter((op) => op.kind !== 'Namespace');

describe('create -f', () => {
  it('creates every object of the files in order, in -n, and says each as Argo does', async () => {
    const paths = [await file('t.yaml', TEMPLATE), await file('r.yaml', ROLLOUT)];
    const run = await truesplit(cluster, ['create', '-f', paths[0]!, '-f', paths[1]!, '-n', 'other']);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'analysistemplate.argoproj.io/error-rate created\nrollout.argoproj.io/checkout created\n',
    });
    expect((await cluster.get('Rollout', 'other', 'checkout')).spec.replicas).toBe(2);
    expect((await cluster.get('AnalysisTemplate', 'other', 'error-rate')).spec.args).toHaveLength(2);
  });

  it('without -n an object goes to the context namespace; a written namespace is kept', async () => {
    const written = ROLLOUT.replace('name: checkout\n', 'name: checkout\n  namespace: other\n');
    const paths = [await file('a.yaml', written), await file('b.yaml', TEMPLATE)];
    expect((await truesplit(cluster, ['create', '-f', paths[0]!, '-f', paths[1]!])).code).toBe(0);
    await expect(cluster.get('Rollout', 'other', 'checkout')).resolves.toBeDefined();
    await expect(cluster.get('AnalysisTemplate', NS, 'error-rate')).resolves.toBeDefined();
  });

  it('a generateName object gets its name from the API server', async () => {
    const run = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisRun
metadata:
  generateName: smoke-
spec:
  metrics:
    - name: up
      provider:
        web: { url: "http://x" }
`;
    const result = await truesplit(cluster, ['create', '-f', await file('run.yaml', run)]);
    expect(result).toMatchObject({ code: 0, stdout: 'analysisrun.argoproj.io/smoke-00001 created\n' });
  });

  it.each([
    {
      name: 'a kind create does not make',
      text: 'apiVersion: v1\nkind: Service\nmetadata: { name: checkout }\nspec: { ports: [{ port: 80 }] }\n',
      stderr: /f\.yaml:2: Service\/[^:]*: kind: creates of core\/Service are not supported/,
    },
    {
      name: 'a Rollout rule broken',
      text: ROLLOUT.replace('setWeight: 20', 'setWeight: 120'),
      stderr: /f\.yaml:\d+: Rollout\/[^:]*checkout: spec\.strategy\.canary\.steps\[0\]\.setWeight: /,
    },
    {
      name: 'an invalid template',
      text: TEMPLATE.replace('result[0] < {{args.threshold}}', 'result[0] <'),
      stderr: /f\.yaml:\d+: AnalysisTemplate\/[^:]*error-rate: spec\.metrics\[0\]\.successCondition/,
    },
    {
      name: 'a namespace other than -n',
      text: ROLLOUT.replace('name: checkout\n', 'name: checkout\n  namespace: other\n'),
      argv: ['-n', NS],
      stderr: /metadata\.namespace: namespace "other" does not match --namespace "shop"/,
    },
    {
      name: 'unreadable YAML',
      text: 'kind: Rollout\n  bad: [\n',
      stderr: /f\.yaml:\d+: /,
    },
  ])('$name: exit 2, the file, object and field named, nothing created', async ({ text, argv, stderr }) => {
    const good = await file('good.yaml', TEMPLATE.replace('name: error-rate', 'name: other-rate'));
    const bad = await file('f.yaml', text);
    const run = await truesplit(cluster, ['create', '-f', good, '-f', bad, ...(argv ?? [])]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
    expect(writes()).toEqual([]);
  });

  it('an object that already exists: exit 1 before anything is written', async () => {
    await truesplit(cluster, ['create', '-f', await file('r.yaml', ROLLOUT)]);
    const before = writes().length;
    const run = await truesplit(cluster, [
      'create',
      '-f',
      await file('t.yaml', TEMPLATE),
      '-f',
      join(dir, 'r.yaml'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /r\.yaml:1: Rollout\/shop\/checkout: already exists in namespace "shop"; nothing was created/,
    );
    expect(writes()).toHaveLength(before);
  });

  it('an Experiment is created with a warning that truesplit does not run it', async () => {
    const exp =
      'apiVersion: argoproj.io/v1alpha1\nkind: Experiment\nmetadata: { name: exp }\nspec: { templates: [] }\n';
    const run = await truesplit(cluster, ['create', '-f', await file('e.yaml', exp)]);
    expect(run).toMatchObject({ code: 0, stdout: 'experiment.argoproj.io/exp created\n' });
    expect(run.stderr).toContain('warning: truesplit does not run Experiments');
  });

  it.each([
    { argv: ['create'], message: 'no input: pass the objects to create with -f FILE' },
    { argv: ['create', 'rollout.yaml'], message: 'unexpected argument rollout.yaml' },
  ])('$argv: usage error, exit 2', async ({ argv, message }) => {
    const run = await truesplit(cluster, argv);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(message)]);
  });
});

function template(name: string, spec: AnalysisTemplate['spec'], kind = 'AnalysisTemplate'): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: kind as AnalysisTemplate['kind'],
    metadata: kind === 'AnalysisTemplate' ? { name, namespace: NS } : { name },
    spec,
  };
}

const webMetric = (name: string) => ({
  name,
  count: 1,
  provider: { web: { url: 'http://metrics.shop/{{args.service}}' } },
});

describe('create analysisrun --from', () => {
  beforeEach(async () => {
    await cluster.create(
      'AnalysisTemplate',
      template('error-rate', {
        args: [{ name: 'service' }, { name: 'threshold', value: '0.05' }],
        metrics: [webMetric('errors')],
      }),
    );
    await cluster.create(
      'ClusterAnalysisTemplate',
      template(
        'latency',
        { args: [{ name: 'service' }], metrics: [webMetric('latency')] },
        'ClusterAnalysisTemplate',
      ),
    );
  });

  it('builds the run from the template with -a overriding, named TEMPLATE-xxxxx', async () => {
    const run = await truesplit(cluster, [
      'create',
      'analysisrun',
      '--from',
      'error-rate',
      '-a',
      'service=checkout',
      '-a',
      'threshold=0.1',
    ]);
    expect(run).toMatchObject({
      code: 0,
      stdout: 'analysisrun.argoproj.io/error-rate-00001 created\n',
      stderr: '',
    });
    const created = await cluster.get('AnalysisRun', NS, 'error-rate-00001');
    expect(created.spec.args).toEqual([
      { name: 'service', value: 'checkout' },
      { name: 'threshold', value: '0.1' },
    ]);
    expect(created.spec.metrics.map((m) => m.name)).toEqual(['errors']);
  });

  it('--from with --global-from merges both templates; --name and --instance-id are set', async () => {
    const argv = ['create', 'ar', '--from', 'error-rate', '--global-from', 'latency', '-a', 'service=c'];
    const run = await truesplit(cluster, [...argv, '--name', 'smoke', '--instance-id', 'blue']);
    expect(run.code).toBe(0);
    const created = await cluster.get('AnalysisRun', NS, 'smoke');
    expect(created.spec.metrics.map((m) => m.name)).toEqual(['errors', 'latency']);
    expect(created.metadata.labels).toEqual({ 'argo-rollouts.argoproj.io/controller-instance-id': 'blue' });
  });

  it('--global --from reads a ClusterAnalysisTemplate (Argo spelling)', async () => {
    const run = await truesplit(cluster, [
      'create',
      'ar',
      '--global',
      '--from',
      'latency',
      '-a',
      'service=c',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'analysisrun.argoproj.io/latency-00001 created\n' });
  });

  it('an -a no template declares is dropped, as Argo does, with a warning', async () => {
    const run = await truesplit(cluster, [
      'create',
      'ar',
      '--from',
      'error-rate',
      '-a',
      'service=c',
      '-a',
      'sevice=d',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: -a sevice: no template declares an argument sevice');
  });

  it.each([
    {
      name: 'a required argument missing',
      argv: ['--from', 'error-rate'],
      code: 2,
      stderr:
        'args.service was not resolved: the template declares it without a value; pass it with -a service=VALUE',
    },
    {
      name: 'a template that does not exist',
      argv: ['--from', 'nope'],
      code: 1,
      stderr: `AnalysisTemplate 'nope' not found in namespace "shop"`,
    },
    {
      name: 'no template named',
      argv: ['-a', 'x=1'],
      code: 2,
      stderr: 'one of --from or --global-from must be given',
    },
    { name: '--global without --from', argv: ['--global'], code: 2, stderr: '--global needs --from' },
    {
      name: 'an argument without =',
      argv: ['--from', 'error-rate', '-a', 'service'],
      code: 2,
      stderr: 'argument "service" must be in the form NAME=VALUE',
    },
    { name: 'a stray word', argv: ['error-rate'], code: 2, stderr: 'unexpected argument error-rate' },
  ])('$name: exit $code, named, nothing created', async ({ argv, code, stderr }) => {
    const run = await truesplit(cluster, ['create', 'analysisrun', ...argv]);
    expect([run.code, run.stdout]).toEqual([code, '']);
    expect(run.stderr).toContain(stderr);
    expect(writes().filter((op) => op.kind === 'AnalysisRun')).toEqual([]);
  });
});

describe('parseArgFlags', () => {
  it.each([
    { flags: ['a=1'], args: [{ name: 'a', value: '1' }] },
    { flags: ['q=sum(x) by (a=b)'], args: [{ name: 'q', value: 'sum(x) by (a=b)' }] },
    { flags: ['empty='], args: [{ name: 'empty', value: '' }] },
  ])('$flags', ({ flags, args }) => expect(parseArgFlags(flags)).toEqual(args));

  it.each([['novalue'], ['=value']])('%s: usage error', (flag) => {
    expect(() => parseArgFlags([flag])).toThrow('must be in the form NAME=VALUE');
  });
});
