/**
 * OBSERVED on live clusters: `get rollout` and `analyze --live` ask a (fake) Prometheus the two
 * `istio_requests_total` queries and show each model path's observed share; the address comes from --prometheus,
 * else TRUESPLIT_PROMETHEUS_ADDRESS, else the Rollout's annotation; a failed query is one warning line.
 */
import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../../src/view/rollout-view.js';
import type { AnalyzeReport } from '../../src/cli/analyze-report.js';
import type { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { sendJson, serverPerTest, type RecordedRequest } from '../analysis/providers/http-fixture.js';
import {
  CANARY,
  clusterAt,
  healthyStatus,
  NAME,
  NS,
  pausedAt10,
  runLive,
  STABLE,
} from './live-read-fixtures.js';

const GOLDEN = '../golden/cli/live';
const serve = serverPerTest();

type Series = [labels: Record<string, string>, requests: number];

const source = (namespace: string, workload: string, revision: string, requests: number): Series => [
  {
    source_workload_namespace: namespace,
    source_workload: workload,
    destination_canonical_revision: revision,
    response_code: '200',
  },
  requests,
];
const plain = (revision: string, requests: number): Series => [
  {
    source_workload_namespace: 'unknown',
    source_workload: 'unknown',
    destination_canonical_revision: revision,
    response_code: '200',
  },
  requests,
];

/** The seed before the fix: gateway 10 %, mesh from the Rollout's namespace 50 %, 7 requests from frontend, plain 50 %. */
const SEED_TRAFFIC = {
  source: [
    source('istio-system', 'istio-ingressgateway', CANARY, 40),
    source('istio-system', 'istio-ingressgateway', STABLE, 360),
    source(NS, 'web', CANARY, 200),
    source(NS, 'web', STABLE, 200),
    source('frontend', 'shop', CANARY, 3),
    source('frontend', 'shop', STABLE, 4),
  ],
  destination: [plain(CANARY, 100), plain(STABLE, 100)],
};

const vector = (series: readonly Series[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: series.map(([metric, v]) => ({ metric, value: [1767225600, String(v)] })),
  },
});

/** A Prometheus answering the source-reporter query and the destination one from `traffic`. */
function fakePrometheus(traffic = SEED_TRAFFIC) {
  return serve((req, res) => {
    const query = queryOf(req);
    sendJson(res, 200, vector(query.includes('reporter="source"') ? traffic.source : traffic.destination));
  });
}

const queryOf = (req: RecordedRequest) =>
  new URLSearchParams(req.body).get('query') ?? req.query.get('query') ?? '';

const brokenPaused = (annotations?: Record<string, string>) =>
  clusterAt('broken-mesh', pausedAt10(['x7k2p'], ['b9mzq'])).then(async (cluster) => {
    if (annotations) await cluster.patch('Rollout', NS, NAME, { metadata: { annotations } });
    return cluster;
  });

const observedOf = (stdout: string) =>
  Object.fromEntries(
    (JSON.parse(stdout) as RolloutView).paths.map((p) => [p.id, p.observed ?? null] as const),
  );

describe('get rollout: OBSERVED from Prometheus', () => {
  it('fills OBSERVED per model path, "-" with the count below the minimum sample size (golden)', async () => {
    const prometheus = await fakePrometheus();
    const run = await runLive(['get', 'rollout', NAME, '--prometheus', prometheus.url], await brokenPaused());
    expect([run.code, run.stderr]).toEqual([0, '']);
    await expect(run.stdout).toMatchFileSnapshot(`${GOLDEN}/get-observed.txt`);
    expect(run.stdout).toMatch(
      /gateway rollouts-demo-istio\/istio-rollout-gateway\s+10%\s+10%\s+10% \(n=400\)/,
    );
    expect(run.stdout).toMatch(/mesh from rollouts-demo-istio\s+10%\s+50%\s+50% \(n=400\)/);
    expect(run.stdout).toMatch(/mesh from any namespace\s+10%\s+50%\s+- \(n=7\)/);
    // Two queries (source and destination reporters) over the default 1m window for the DestinationRule's host.
    expect(prometheus.requests.map(queryOf)).toEqual([
      expect.stringContaining(
        `destination_service_name="${NAME}",destination_service_namespace="${NS}"}[1m]`,
      ),
      expect.stringContaining('reporter="destination",source_workload="unknown"'),
    ]);
  });

  it('-o json carries the observed share and request count of each path', async () => {
    const prometheus = await fakePrometheus();
    const run = await runLive(
      ['get', 'rollout', NAME, '-o', 'json', '--prometheus', prometheus.url],
      await brokenPaused(),
    );
    expect(observedOf(run.stdout)).toMatchObject({
      'gateway:rollouts-demo-istio/istio-rollout-gateway': { share: 10, requests: 400 },
      'mesh:rollouts-demo-istio': { share: 50, requests: 400 },
      'mesh:*': { share: null, requests: 7 },
      'plain:legacy-clients': { share: 50, requests: 200 },
      'plain:*': { share: 50, requests: 200 },
    });
  });

  it.each([
    {
      name: 'the flag over the environment and the annotation',
      flag: 'a',
      env: 'b',
      annotation: 'c',
      asked: 'a',
    },
    { name: 'the environment over the annotation', flag: undefined, env: 'b', annotation: 'c', asked: 'b' },
    { name: 'the annotation alone', flag: undefined, env: undefined, annotation: 'c', asked: 'c' },
  ])('asks $name', async ({ flag, env, annotation, asked }) => {
    const servers = { a: await fakePrometheus(), b: await fakePrometheus(), c: await fakePrometheus() };
    const cluster = await brokenPaused({ 'truesplit.io/prometheus-address': servers[annotation as 'c'].url });
    const argv = ['get', 'rollout', NAME, '-o', 'json', ...(flag ? ['--prometheus', servers.a.url] : [])];
    const run = await runLive(
      argv,
      cluster,
      env ? { env: { TRUESPLIT_PROMETHEUS_ADDRESS: servers.b.url } } : {},
    );
    expect(run.code).toBe(0);
    expect(observedOf(run.stdout)['mesh:rollouts-demo-istio']).toEqual({ share: 50, requests: 400 });
    const counts = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.requests.length]));
    expect(counts).toEqual({ a: 0, b: 0, c: 0, [asked]: 2 });
  });

  it('reads the window and minimum sample size from the Rollout annotations', async () => {
    const prometheus = await fakePrometheus();
    const cluster = await brokenPaused({
      'truesplit.io/observed-window': '30s',
      'truesplit.io/path-min-samples': '5',
    });
    const run = await runLive(
      ['get', 'rollout', NAME, '-o', 'json', '--prometheus', prometheus.url],
      cluster,
    );
    expect(observedOf(run.stdout)['mesh:*']).toEqual({ share: 42.9, requests: 7 });
    expect(queryOf(prometheus.requests[0]!)).toContain('[30s]');
  });

  it('asks nothing once fully promoted: every request reaches the one revision, no canary to measure', async () => {
    const prometheus = await fakePrometheus();
    const promoted = { stablePods: [], canaryPods: ['b9mzq'], canaryWeight: 0, status: healthyStatus(1) };
    const run = await runLive(
      ['get', 'rollout', NAME, '-o', 'json', '--prometheus', prometheus.url],
      await clusterAt('broken-mesh', promoted),
    );
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(prometheus.requests).toHaveLength(0);
    expect(Object.values(observedOf(run.stdout)).every((o) => o === null)).toBe(true);
  });

  it('shows no OBSERVED values and asks nothing without an address', async () => {
    const run = await runLive(['get', 'rollout', NAME, '-o', 'json'], await brokenPaused());
    expect(Object.values(observedOf(run.stdout)).every((o) => o === null)).toBe(true);
  });

  it.each([
    {
      name: 'Prometheus refuses the query',
      start: () =>
        serve((_req, res) =>
          sendJson(res, 400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 7' }),
        ),
      message:
        /^truesplit get: observed shares unavailable: Prometheus at http:\/\/127\.0\.0\.1:\d+: bad_data: parse error at char 7\n$/,
    },
    {
      name: 'nothing listens at the address',
      start: async () => {
        const closed = await serve(() => undefined);
        await closed.close();
        return closed;
      },
      message:
        /^truesplit get: observed shares unavailable: Prometheus at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/,
    },
  ])('when $name: one warning line, the rest of the output unchanged', async ({ start, message }) => {
    const prometheus = await start();
    const cluster: MemoryCluster = await brokenPaused();
    const without = await runLive(['get', 'rollout', NAME], cluster);
    const run = await runLive(['get', 'rollout', NAME, '--prometheus', prometheus.url], cluster);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe(without.stdout);
  });
});

describe('analyze --live: observed per path', () => {
  it('adds OBSERVED to the Now block (golden) and "observed" to each live path in JSON', async () => {
    const prometheus = await fakePrometheus();
    const cluster = await brokenPaused();
    const table = await runLive(['analyze', '--live', '--prometheus', prometheus.url], cluster);
    await expect(table.stdout).toMatchFileSnapshot(`${GOLDEN}/analyze-observed.txt`);
    expect(table.stdout).toMatch(/mesh from rollouts-demo-istio\s+50%\s+10%\s+50% \(n=400\)/);
    const json = await runLive(['analyze', '--live', '-o', 'json', '--prometheus', prometheus.url], cluster);
    const live = (JSON.parse(json.stdout) as AnalyzeReport).rollouts[0]?.live;
    expect(live?.observedFrom).toBe(prometheus.url);
    const mesh = live?.paths.find((p) => p.kind === 'mesh' && p.from === NS);
    expect(mesh?.observed).toEqual({ share: 0.5, canaryRequests: 200, totalRequests: 400, callers: [NS] });
    const any = live?.paths.find((p) => p.kind === 'mesh' && p.from === '*');
    expect(any?.observed).toMatchObject({ share: null, totalRequests: 7, callers: ['frontend'] });
  });

  it('--prometheus needs --live', async () => {
    const run = await runLive(
      ['analyze', '-f', 'examples/broken-mesh', '--prometheus', 'http://x'],
      undefined,
    );
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('flag --prometheus needs --live')]);
  });
});
