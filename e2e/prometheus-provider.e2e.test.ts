/**
 * The prometheus metric provider against a real Prometheus (Debian's package) scraping an endpoint this test controls,
 * with the PromQL analysis templates use: error ratios with `rate`, `sum by`, `scalar()`, an empty selector, a range
 * query, a PromQL error. No Kubernetes control plane is needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrometheusMetric } from '../src/api/analysis.ts';
import { createPrometheusProvider } from '../src/analysis/providers/prometheus.ts';
import type { ProviderMeasurement } from '../src/analysis/provider.ts';
import {
  type MetricsEndpoint,
  prometheusBinary,
  type PrometheusServer,
  startMetricsEndpoint,
  startPrometheus,
} from './support/prometheus.ts';
import { isAlive } from './cluster/processes.ts';
import { sleep } from './support/wait-for.ts';

const REQUESTS = 'http_requests_total';
const ERROR_RATIO = `sum(rate(${REQUESTS}{code=~"5.."}[30s])) / sum(rate(${REQUESTS}[30s]))`;
const ERROR_RATIO_BY_VERSION = `sum by (version) (rate(${REQUESTS}{code=~"5.."}[30s])) / sum by (version) (rate(${REQUESTS}[30s]))`;

/** Requests each version serves per tick, by status code: the truth the queries must reflect. */
interface Traffic {
  v1: { ok: number; error: number };
  v2: { ok: number; error: number };
}

const binary = prometheusBinary();
if (!binary)
  console.log('prometheus-provider e2e skipped: no Prometheus binary (apt-get install prometheus)');

describe.skipIf(!binary)('prometheus provider against a real Prometheus', () => {
  let endpoint: MetricsEndpoint;
  let prometheus: PrometheusServer;
  let ticker: NodeJS.Timeout | undefined;
  let traffic: Traffic = { v1: { ok: 10, error: 0 }, v2: { ok: 8, error: 2 } };

  const provider = createPrometheusProvider();
  const measure = (config: Partial<PrometheusMetric>): Promise<ProviderMeasurement> =>
    provider.run({
      run: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name: 'e2e', namespace: 'default', uid: 'e2e-uid' },
        spec: { metrics: [] },
      },
      metric: {
        name: 'm',
        provider: { prometheus: { address: prometheus.url, query: ERROR_RATIO, ...config } },
      },
      now: new Date(),
    });

  beforeAll(async () => {
    endpoint = await startMetricsEndpoint();
    const serve = () => {
      for (const version of ['v1', 'v2'] as const) {
        endpoint.inc(REQUESTS, { code: '200', version }, traffic[version].ok);
        endpoint.inc(REQUESTS, { code: '500', version }, traffic[version].error);
      }
    };
    serve();
    ticker = setInterval(serve, 250);
    const started = Date.now();
    prometheus = await startPrometheus({ targets: [endpoint.target], scrapeIntervalSeconds: 1 });
    console.log(`Prometheus ready with its target up in ${Date.now() - started} ms at ${prometheus.url}`);
    // rate() needs two scrapes of every series.
    await prometheus.waitUntil<unknown[]>(`count(rate(${REQUESTS}[30s]))`, (r) => r.length === 1);
  });

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    const pid = prometheus?.pid;
    await prometheus?.stop();
    await endpoint?.close();
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
  });

  it('an error ratio over all versions is a one-element vector with the served ratio', async () => {
    const measurement = await measure({});
    expect(measurement.phase).toBeUndefined();
    const result = measurement.result as number[];
    expect(result).toHaveLength(1);
    expect(result[0]).toBeCloseTo(2 / 20, 6);
    expect(measurement.value).toMatch(/^\[0\.(1|0999999\d*|1000000\d*)\]$/);
  });

  it('sum by (version) gives one value per version', async () => {
    const measurement = await measure({ query: ERROR_RATIO_BY_VERSION });
    const result = [...(measurement.result as number[])].sort();
    expect(result).toHaveLength(2);
    expect(result[0]).toBeCloseTo(0, 6);
    expect(result[1]).toBeCloseTo(2 / 10, 6);
  });

  it('scalar() is a number', async () => {
    const measurement = await measure({ query: `scalar(${ERROR_RATIO})` });
    expect(typeof measurement.result).toBe('number');
    expect(measurement.result as number).toBeCloseTo(0.1, 6);
    expect(measurement.value).not.toMatch(/^\[/);
  });

  it('a selector that matches nothing is an empty vector, left to the conditions', async () => {
    expect(await measure({ query: `${REQUESTS}{version="v9"}` })).toEqual({ result: [], value: '[]' });
  });

  it('0/0 is NaN and stays NaN', async () => {
    const measurement = await measure({ query: `sum(rate(${REQUESTS}{version="v1",code="500"}[30s])) / 0` });
    expect(Number.isNaN((measurement.result as number[])[0])).toBe(true);
    expect(measurement.value).toBe('[NaN]');
  });

  it('a range query returns every step of the window', async () => {
    await prometheus.waitUntil<{ value: [number, string] }[]>(
      `count_over_time(${REQUESTS}{code="500",version="v2"}[1m])`,
      (r) => Number(r[0]?.value[1] ?? 0) >= 6,
    );
    const measurement = await measure({
      query: `sum(${REQUESTS}{code="500"})`,
      rangeQuery: { start: 'now() - duration("4s")', end: 'now()', step: '1s' },
    });
    const values = measurement.result as number[];
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(measurement.value).toBe(`[${values.join(',')}]`);
  });

  it("a PromQL error is an Error measurement with Prometheus' text", async () => {
    const measurement = await measure({ query: `sum(rate(${REQUESTS}[30s])` });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toMatch(/^bad_data: .*parse error/);
  });

  it('follows what the endpoint serves: v2 turning to all errors raises its ratio', async () => {
    traffic = { v1: { ok: 10, error: 0 }, v2: { ok: 0, error: 10 } };
    const query = `sum(rate(${REQUESTS}{version="v2",code=~"5.."}[5s])) / sum(rate(${REQUESTS}{version="v2"}[5s]))`;
    const deadline = Date.now() + 30_000;
    let measurement = await measure({ query });
    while (((measurement.result as number[])[0] ?? 0) < 0.95 && Date.now() < deadline) {
      await sleep(1_000);
      measurement = await measure({ query });
    }
    expect((measurement.result as number[])[0]).toBeGreaterThanOrEqual(0.95);
  });
});
