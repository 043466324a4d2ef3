import { describe, expect, it } from 'vitest';
import type { PrometheusMetric } from '../../../src/api/analysis.js';
import { createPrometheusProvider } from '../../../src/analysis/providers/prometheus.js';
import { selfSignedCertificate, sendJson, serverPerTest } from './http-fixture.js';
import { measureRequest, NOW } from './run-fixture.js';

const serve = serverPerTest();

const success = (data: unknown) => ({ status: 'success', data });
const vector = (...values: string[]) =>
  success({
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })),
  });

function measure(config: Partial<PrometheusMetric> & { address?: string }, extra = {}) {
  const provider = createPrometheusProvider();
  return provider.run(measureRequest({ prometheus: { query: 'up', ...config } }, extra));
}

describe('prometheus provider against a local server', () => {
  it.each([
    { name: 'vector', body: vector('0.5', '0.25'), result: [0.5, 0.25], value: '[0.5,0.25]' },
    { name: 'scalar', body: success({ resultType: 'scalar', result: [1, '42'] }), result: 42, value: '42' },
    { name: 'empty vector (the conditions decide)', body: vector(), result: [], value: '[]' },
    { name: 'NaN', body: vector('NaN'), result: [NaN], value: '[NaN]' },
  ])('instant query, $name', async ({ body, result, value }) => {
    const server = await serve((_req, res) => sendJson(res, 200, body));
    const measurement = await measure({ address: server.url, query: 'sum(rate(x[1m]))' });
    expect(measurement).toEqual({ result, value });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/query');
    const form = new URLSearchParams(request?.body);
    expect(form.get('query')).toBe('sum(rate(x[1m]))');
    expect(form.get('time')).toBe(String(NOW.getTime() / 1000));
  });

  it('range query: start and end evaluated at now, step in seconds, matrix flattened', async () => {
    const matrix = success({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [1, '1'],
            [2, '0.5'],
          ],
        },
      ],
    });
    const server = await serve((_req, res) => sendJson(res, 200, matrix));
    const measurement = await measure({
      address: `${server.url}/prom/`,
      rangeQuery: { start: 'now() - duration("10m")', end: 'now()', step: '1m' },
    });
    expect(measurement).toEqual({ result: [1, 0.5], value: '[1,0.5]' });
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(server.requests[0]?.path).toBe('/prom/api/v1/query_range');
    expect(form.get('start')).toBe(String(NOW.getTime() / 1000 - 600));
    expect(form.get('end')).toBe(String(NOW.getTime() / 1000));
    expect(form.get('step')).toBe('60');
  });

  it.each([
    {
      range: { start: 'yesterday', end: 'now()', step: '1m' },
      message: 'failed to parse rangeQuery.start as time',
    },
    {
      range: { start: 'now()', end: 'now() - 5', step: '1m' },
      message: 'failed to parse rangeQuery.end as time',
    },
    {
      range: { start: 'now()', end: 'now()', step: '1d' },
      message: 'failed to parse rangeQuery.step as duration: time: unknown unit "d"',
    },
  ])('range query with a bad field: $message', async ({ range, message }) => {
    const server = await serve((_req, res) => sendJson(res, 200, vector('1')));
    const measurement = await measure({ address: server.url, rangeQuery: range });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    {
      name: 'PromQL error',
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'parse error: unexpected end of input' },
      message: 'bad_data: parse error: unexpected end of input',
    },
    { name: 'server error', status: 503, body: 'busy', message: 'server_error: server error: 503' },
  ])('$name ⇒ Error with Prometheus text', async ({ status, body, message }) => {
    const server = await serve((_req, res) => sendJson(res, status, body));
    expect(await measure({ address: server.url })).toEqual({ phase: 'Error', message });
  });

  it('falls back to GET when POST is refused (405), as client_golang does', async () => {
    const server = await serve((req, res) =>
      req.method === 'POST' ? sendJson(res, 405, 'no') : sendJson(res, 200, vector('7')),
    );
    expect(await measure({ address: server.url, query: 'up{job="a"}' })).toEqual({
      result: [7],
      value: '[7]',
    });
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(server.requests[1]?.query.get('query')).toBe('up{job="a"}');
  });

  it('times out after `timeout` seconds with an Error', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const measurement = await measure({ address: server.url, timeout: 1 });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toMatch(
      /^Post "http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query": timeout after 1s$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a refused connection is an Error', async () => {
    const server = await serve(() => undefined);
    const address = server.url;
    await server.close();
    const measurement = await measure({ address });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toContain('ECONNREFUSED');
  });

  it('keeps warnings in metadata', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ...vector('1'), warnings: ['partial'] }));
    expect((await measure({ address: server.url })).metadata).toEqual({ warnings: '"partial"' });
  });

  it.each([
    { config: {}, message: 'prometheus address is not configured' },
    { config: { address: 'prometheus:9090' }, message: 'prometheus address is not is url format' },
    { config: { address: 'http://x', timeout: -1 }, message: 'prometheus timeout should not be negative' },
  ])('configuration error: $message', async ({ config, message }) => {
    expect(await measure(config)).toEqual({ phase: 'Error', message });
  });

  it('uses the default address for a metric without one', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, vector('3')));
    const provider = createPrometheusProvider({ defaultAddress: server.url });
    expect(await provider.run(measureRequest({ prometheus: { query: 'up' } }))).toEqual({
      result: [3],
      value: '[3]',
    });
  });

  it('records the resolved query as the metric result metadata', () => {
    const provider = createPrometheusProvider();
    const request = measureRequest({ prometheus: { query: 'up{token="abcdef"}' } }, { secrets: ['abcdef'] });
    expect(provider.metricMetadata?.(request)).toEqual({ ResolvedPrometheusQuery: 'up{token="*****"}' });
  });
});

describe('prometheus provider: credentials', () => {
  it('sends headers and never echoes them into the measurement', async () => {
    const server = await serve((req, res) =>
      sendJson(res, 400, {
        status: 'error',
        errorType: 'bad_data',
        error: `denied for ${req.headers.authorization}`,
      }),
    );
    const measurement = await measure({
      address: server.url,
      headers: [{ key: 'Authorization', value: 'Bearer tok-123456' }],
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-123456');
    expect(measurement).toEqual({ phase: 'Error', message: 'bad_data: denied for *****' });
  });

  it('redacts secret arg values from messages', async () => {
    const server = await serve((req, res) =>
      sendJson(res, 422, {
        status: 'error',
        errorType: 'execution',
        error: new URLSearchParams(req.body).get('query'),
      }),
    );
    const measurement = await measure(
      { address: server.url, query: 'up{key="hunter22"}' },
      { secrets: ['hunter22'] },
    );
    expect(measurement.message).toBe('execution: up{key="*****"}');
  });

  it('sends basicAuth as Basic authentication', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, vector('1')));
    await measure({
      address: server.url,
      authentication: { basicAuth: { username: 'grafana', password: 'pw-secret' } },
    });
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('grafana:pw-secret').toString('base64')}`,
    );
  });

  it.each([
    {
      authentication: { sigv4: { region: 'eu-west-1' } },
      message: 'prometheus authentication.sigv4 is not supported by truesplit',
    },
    {
      authentication: { oauth2: { tokenUrl: 'https://idp/token', clientId: 'a', clientSecret: 'b' } },
      message: 'prometheus authentication.oauth2 is not supported by truesplit',
    },
    {
      authentication: { basicAuth: { username: 'u' } },
      message: 'missing mandatory parameter in metric for basic auth setup: password',
    },
  ])('$message, and no unauthenticated query is sent', async ({ authentication, message }) => {
    const server = await serve((_req, res) => sendJson(res, 200, vector('1')));
    expect(await measure({ address: server.url, authentication })).toEqual({ phase: 'Error', message });
    expect(server.requests).toHaveLength(0);
  });

  it('an empty authentication block is no authentication, as in Argo', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, vector('1')));
    expect(await measure({ address: server.url, authentication: { sigv4: {}, oauth2: {} } })).toEqual({
      result: [1],
      value: '[1]',
    });
  });
});

describe('prometheus provider: TLS', () => {
  const certificate = selfSignedCertificate();
  const skip = 'skip' in certificate ? certificate.skip : undefined;
  if (skip) console.log(`TLS rows skipped: ${skip}`);

  it.skipIf(skip !== undefined)('a self-signed certificate is refused unless insecure', async () => {
    if ('skip' in certificate) return;
    const server = await serve((_req, res) => sendJson(res, 200, vector('1')), certificate);
    const secure = await measure({ address: server.url });
    expect(secure.phase).toBe('Error');
    expect(secure.message).toMatch(/self[- ]signed certificate/);
    expect(await measure({ address: server.url, insecure: true })).toEqual({ result: [1], value: '[1]' });
  });
});
