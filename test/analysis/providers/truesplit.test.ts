import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Metric, TrueSplitMetric } from '../../../src/api/analysis.js';
import { createTrueSplitProvider } from '../../../src/analysis/providers/truesplit.js';
import { sendJson, startServer, type TestServer } from './http-fixture.js';
import { measureRequest, NOW } from './run-fixture.js';

const CANARY = 'c4n4ry';
const STABLE = 'st4bl3';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Series = [workload: string, revision: string, code: string, value: number];

function vectorOf(series: Series[]) {
  return {
    status: 'success',
    data: {
      resultType: 'vector',
      result: series.map(([workload, revision, code, value]) => ({
        metric: {
          source_workload: workload,
          source_workload_namespace: 'shop',
          destination_canonical_revision: revision,
          response_code: code,
        },
        value: [NOW.getTime() / 1000, String(value)],
      })),
    },
  };
}

/** A server speaking Prometheus' query API: source-reporter series for one query, destination for the other. */
async function prometheus(source: Series[], destination: Series[], status = 200): Promise<TestServer> {
  const server = await startServer((req, res) => {
    if (status !== 200)
      return sendJson(res, status, { status: 'error', errorType: 'bad_data', error: 'boom' });
    const query = new URLSearchParams(req.body).get('query') ?? '';
    sendJson(res, 200, vectorOf(query.includes('reporter="source"') ? source : destination));
  });
  servers.push(server);
  return server;
}

const TRAFFIC: { source: Series[]; destination: Series[] } = {
  source: [
    ['istio-ingressgateway', CANARY, '200', 10],
    ['istio-ingressgateway', STABLE, '200', 90],
    ['frontend', CANARY, '200', 30],
    ['frontend', CANARY, '503', 20],
    ['frontend', STABLE, '200', 50],
  ],
  destination: [
    ['unknown', CANARY, '200', 8],
    ['unknown', CANARY, '500', 2],
    ['unknown', STABLE, '200', 30],
  ],
};

function measure(server: TestServer, config: Partial<TrueSplitMetric>) {
  const truesplit: TrueSplitMetric = {
    address: server.url,
    service: 'shop',
    canaryRevision: CANARY,
    path: 'mesh',
    measure: 'errorRate',
    ...config,
  };
  return createTrueSplitProvider().run(measureRequest({ truesplit }));
}

describe('truesplit provider against a local Prometheus API', () => {
  it.each([
    { path: 'mesh', measure: 'errorRate', result: 0.4 },
    { path: 'mesh', measure: 'canaryShare', result: 0.5 },
    { path: 'gateway', measure: 'canaryShare', result: 0.1 },
    { path: 'gateway', measure: 'errorRate', minSamples: 10, result: 0 },
    { path: 'plain', measure: 'canaryShare', result: 0.25 },
    { path: 'plain', measure: 'errorRate', minSamples: 10, result: 0.2 },
    { path: 'any', measure: 'canaryShare', result: 70 / 240 },
    { path: 'any', measure: 'errorRate', result: 22 / 70 },
  ] as const)('$path $measure = $result', async ({ path, measure: what, result, ...rest }) => {
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    const measurement = await measure(server, { path, measure: what, ...rest });
    expect(measurement.phase).toBeUndefined();
    expect(measurement.result).toBeCloseTo(result, 12);
    expect(Number(measurement.value)).toBeCloseTo(result, 12);
  });

  it('sends two instant POST queries at now over the window, in the run namespace by default', async () => {
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    await measure(server, { window: '5m' });
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/api/v1/query');
      const form = new URLSearchParams(request.body);
      expect(form.get('time')).toBe(String(NOW.getTime() / 1000));
      expect(form.get('query')).toContain('destination_service_namespace="shop"}[5m]');
    }
  });

  it('sends its queries as the prometheus provider does: GET when POST is refused (405)', async () => {
    const server = await startServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 405, 'no');
      const query = req.query.get('query') ?? '';
      const series = query.includes('reporter="source"') ? TRAFFIC.source : TRAFFIC.destination;
      sendJson(res, 200, vectorOf(series));
    });
    servers.push(server);
    const measurement = await measure(server, { path: 'mesh', measure: 'errorRate' });
    expect(measurement.result).toBeCloseTo(0.4, 12);
    expect(server.requests.map((r) => r.method).sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
  });

  it('too few canary requests on the path is an Error saying insufficient data', async () => {
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    const measurement = await measure(server, { path: 'gateway', measure: 'errorRate' });
    expect(measurement).toMatchObject({
      phase: 'Error',
      message:
        'insufficient data: 10 requests from gateway callers reached the canary of shop.shop in the last 1m, ' +
        'fewer than minSamples 20',
    });
  });

  it('no traffic at all is insufficient data, not a pass', async () => {
    const server = await prometheus([], []);
    const measurement = await measure(server, { path: 'any', measure: 'canaryShare', minSamples: '5' });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toMatch(/^insufficient data: 0 requests from all callers of shop\.shop/);
  });

  it.each([
    {
      config: { path: 'sidecar' },
      message: 'truesplit.path "sidecar" is not one of gateway, mesh, plain, any',
    },
    {
      config: { measure: 'latency' },
      message: 'truesplit.measure "latency" is not one of errorRate, canaryShare',
    },
    { config: { canaryRevision: '' }, message: 'truesplit.canaryRevision is required' },
    { config: { service: '' }, message: 'truesplit.service is required' },
    { config: { minSamples: 'many' }, message: 'truesplit.minSamples "many" is not a positive integer' },
    {
      config: { window: '1 minute' },
      message: 'truesplit window "1 minute" is not a PromQL duration such as 1m',
    },
    { config: { address: '' }, message: 'truesplit address is not configured' },
  ])('bad config $config is an Error: $message', async ({ config, message }) => {
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    const measurement = await measure(server, config as Partial<TrueSplitMetric>);
    expect(measurement).toEqual({ phase: 'Error', message });
    expect(server.requests).toHaveLength(0);
  });

  it("Prometheus' error is the measurement's message", async () => {
    const server = await prometheus([], [], 400);
    expect(await measure(server, {})).toEqual({ phase: 'Error', message: 'bad_data: boom' });
  });

  it('uses the default address when the metric has none', async () => {
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    const provider = createTrueSplitProvider({ defaultAddress: server.url });
    const truesplit: TrueSplitMetric = {
      service: 'shop',
      canaryRevision: CANARY,
      path: 'mesh',
      measure: 'canaryShare',
    };
    expect((await provider.run(measureRequest({ truesplit }))).result).toBe(0.5);
  });
});

describe('truesplit provider request counts', () => {
  it("increase()'s extrapolated counts are shown as whole requests in the metadata and message", async () => {
    const server = await prometheus(
      [
        ['frontend', CANARY, '200', 4.6],
        ['frontend', STABLE, '200', 40.2],
      ],
      [],
    );
    const share = await measure(server, { measure: 'canaryShare' });
    expect(share.metadata).toEqual({ canaryRequests: '5', totalRequests: '45', canaryErrors: '0' });
    const rate = await measure(server, { measure: 'errorRate' });
    expect(rate.message).toBe(
      'insufficient data: 5 requests from mesh callers reached the canary of shop.shop in the last 1m, ' +
        'fewer than minSamples 20',
    );
  });
});

describe("the README's path-aware AnalysisTemplate", () => {
  it('measures the in-mesh error rate with the provider, its args substituted', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Path-aware analysis'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const template = parse(yaml) as { kind: string; spec: { metrics: Metric[] } };
    expect(template.kind).toBe('AnalysisTemplate');
    const [metric] = template.spec.metrics;
    expect(metric?.successCondition).toBe('result < 0.05');
    const server = await prometheus(TRAFFIC.source, TRAFFIC.destination);
    const args: Record<string, string> = { service: 'shop', 'canary-hash': CANARY };
    const resolved = JSON.parse(
      JSON.stringify(metric).replace(/\{\{args\.([\w-]+)\}\}/g, (_, name: string) => args[name] ?? ''),
    ) as Metric;
    resolved.provider.truesplit!.address = server.url;
    const measurement = await createTrueSplitProvider().run({ ...measureRequest({}), metric: resolved });
    expect(measurement.result).toBeCloseTo(0.4, 12);
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('query')).toContain('destination_service_name="shop"');
    expect(form.get('query')).toContain('[1m]');
  });
});
