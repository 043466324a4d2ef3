/**
 * `truesplit create -f`, `create analysisrun --from` and `terminate analysisrun` against the real API server, with the
 * controller running as a process (its AnalysisRun controller measures the runs the CLI creates). Each command runs
 * in-process through `runCli` with a real kubeconfig, the same code path as `truesplit` in a terminal; the test reads
 * back what the API server holds and what the controller did with it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../src/api/analysis.ts';
import { runTruesplit } from './support/cli.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { waitFor } from './support/wait-for.ts';

const ns = 'cli-analysis';
const GROUP = { group: 'argoproj.io', version: 'v1alpha1', namespace: ns };
let env: E2eEnvironment;
let metrics: Server;
let metricsUrl = '';
let dir: string;

const truesplit = (...argv: string[]) => runTruesplit(env.plane.kubeconfigPath, ns, argv);

async function names(plural: string): Promise<string[]> {
  const list = (await env.admin.custom.listNamespacedCustomObject({ ...GROUP, plural })) as {
    items: { metadata: { name: string } }[];
  };
  return list.items.map((i) => i.metadata.name).sort();
}

async function analysisRun(name: string): Promise<AnalysisRun> {
  return (await env.admin.custom.getNamespacedCustomObject({
    ...GROUP,
    plural: 'analysisruns',
    name,
  })) as AnalysisRun;
}

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: smoke
spec:
  args:
    - name: url
    - name: expected
      value: "1"
  metrics:
    - name: ok
      interval: 1h
      count: 3
      successCondition: result == {{args.expected}}
      provider:
        web:
          url: "{{args.url}}"
          jsonPath: "{$.ok}"
`;

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: shop
spec:
  replicas: 1
  selector:
    matchLabels: { app: shop }
  template:
    metadata:
      labels: { app: shop }
    spec:
      containers:
        - name: app
          image: registry.example/shop:1
  strategy:
    canary:
      steps:
        - setWeight: 50
        - pause: {}
`;

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truesplit-cli-analysis-'));
  metrics = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok": 1}');
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  metricsUrl = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/health`;
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller-cli-analysis');
});

afterAll(async () => {
  await env?.stop();
  await new Promise((resolve) => metrics?.close(resolve));
});

describe('truesplit create -f against the API server', () => {
  it('a file with an invalid Rollout next to a valid template: exit 2, nothing created', async () => {
    const bad = ROLLOUT.replace('setWeight: 50', 'setWeight: 150');
    const run = await truesplit(
      'create',
      '-f',
      await file('t.yaml', TEMPLATE),
      '-f',
      await file('bad.yaml', bad),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /bad\.yaml:\d+: Rollout\/[^:]*shop: spec\.strategy\.canary\.steps\[0\]\.setWeight: /,
    );
    expect(await names('analysistemplates')).toEqual([]);
    expect(await names('rollouts')).toEqual([]);
  });

  it('creates the template and the Rollout in -n, said as Argo says it', async () => {
    const run = await truesplit('create', '-f', join(dir, 't.yaml'), '-f', await file('r.yaml', ROLLOUT));
    expect(run).toEqual({
      code: 0,
      stdout: 'analysistemplate.argoproj.io/smoke created\nrollout.argoproj.io/shop created\n',
      stderr: '',
    });
    expect(await names('analysistemplates')).toEqual(['smoke']);
    expect(await names('rollouts')).toEqual(['shop']);
  });

  it('again: exit 1 naming the object that exists, nothing written', async () => {
    const extra = TEMPLATE.replace('name: smoke', 'name: smoke-2');
    const run = await truesplit('create', '-f', await file('t2.yaml', extra), '-f', join(dir, 'r.yaml'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Rollout/${ns}/shop: already exists in namespace "${ns}"; nothing was created`,
    );
    expect(await names('analysistemplates')).toEqual(['smoke']);
  });
});

describe('truesplit create analysisrun / terminate analysisrun against the API server', () => {
  let runName = '';

  it('a required argument missing: exit 2 naming it, no run created', async () => {
    const run = await truesplit('create', 'analysisrun', '--from', 'smoke');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('args.url was not resolved');
    expect(await names('analysisruns')).toEqual([]);
  });

  it(
    '--from smoke -a url=…: the run is created and the controller measures it',
    { timeout: 120_000 },
    async () => {
      const run = await truesplit('create', 'analysisrun', '--from', 'smoke', '-a', `url=${metricsUrl}`);
      expect(run.code).toBe(0);
      runName = /^analysisrun\.argoproj\.io\/(smoke-\w{5}) created\n$/.exec(run.stdout)?.[1] ?? '';
      expect(runName).not.toBe('');
      const created = await analysisRun(runName);
      expect(created.spec.args).toEqual([
        { name: 'url', value: metricsUrl },
        { name: 'expected', value: '1' },
      ]);
      const measured = await waitFor(
        `${runName} first measurement`,
        () => analysisRun(runName),
        (r) => (r.status?.metricResults?.[0]?.successful ?? 0) >= 1,
        { timeoutMs: 60_000 },
      );
      expect(measured.status?.phase).toBe('Running');
    },
  );

  it(
    'terminate analysisrun: spec.terminate set, the controller ends the run',
    { timeout: 120_000 },
    async () => {
      expect(await truesplit('terminate', 'analysisrun', runName)).toEqual({
        code: 0,
        stdout: `analysisRun '${runName}' terminated\n`,
        stderr: '',
      });
      const ended = await waitFor(
        `${runName} terminated`,
        () => analysisRun(runName),
        (r) => r.status?.phase === 'Successful',
        { timeoutMs: 60_000 },
      );
      expect(ended.spec.terminate).toBe(true);
      expect(ended.status?.message).toBe('Run Terminated');
      expect(ended.status?.metricResults?.[0]?.count).toBe(1);
    },
  );

  it('terminate of a run that does not exist: exit 1, named', async () => {
    const run = await truesplit('terminate', 'ar', 'nope');
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `truesplit terminate: AnalysisRun "nope" not found in namespace "${ns}"\n`,
    });
  });
});
