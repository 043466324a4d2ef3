import { describe, expect, it } from 'vitest';
import type { WebMetric } from '../../../src/api/analysis.js';
import { createWebProvider } from '../../../src/analysis/providers/web.js';
import { selfSignedCertificate, sendJson, serverPerTest } from './http-fixture.js';
import { measureRequest } from './run-fixture.js';

const serve = serverPerTest();

function measure(config: Partial<WebMetric> & { url: string }, extra = {}) {
  return createWebProvider().run(measureRequest({ web: config }, extra));
}

const payload = { data: { ok: true, rate: 0.25, items: [{ v: 1 }, { v: 2 }] } };

describe('web provider against a local server', () => {
  it.each([
    { jsonPath: '{$.data.rate}', result: 0.25, value: '0.25' },
    { jsonPath: '{$.data.ok}', result: true, value: 'true' },
    { jsonPath: '{.data.items[1].v}', result: 2, value: '2' },
    { jsonPath: '{$.data.items}', result: [{ v: 1 }, { v: 2 }], value: '[{"v":1},{"v":2}]' },
    { jsonPath: undefined, result: payload, value: JSON.stringify(payload) },
  ])('GET, jsonPath $jsonPath', async ({ jsonPath, result, value }) => {
    const server = await serve((_req, res) => sendJson(res, 200, payload));
    const measurement = await measure({ url: `${server.url}/metrics`, ...(jsonPath ? { jsonPath } : {}) });
    expect(measurement).toEqual({ result, value });
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/metrics', body: '' });
  });

  it('a body that is not JSON is the result as a string', async () => {
    const server = await serve((_req, res) => res.end('healthy'));
    expect(await measure({ url: server.url, jsonPath: '{$.x}' })).toEqual({
      result: 'healthy',
      value: 'healthy',
    });
  });

  it('POST with jsonBody sends JSON with its content type; PUT sends body as written', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ok: 1 }));
    await measure({ url: server.url, method: 'POST', jsonBody: { query: 'rate', window: 5 } });
    await measure({
      url: server.url,
      method: 'PUT',
      body: 'plain text',
      headers: [{ key: 'X-Team', value: 'shop' }],
    });
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"query":"rate","window":5}' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[1]).toMatchObject({ method: 'PUT', body: 'plain text' });
    expect(server.requests[1]?.headers['x-team']).toBe('shop');
  });

  it.each([
    { status: 500, message: 'received non 2xx response code: 500' },
    { status: 404, message: 'received non 2xx response code: 404' },
    { status: 302, message: 'received non 2xx response code: 302' },
  ])('status $status ⇒ Error', async ({ status, message }) => {
    const server = await serve((_req, res) => sendJson(res, status, payload));
    expect(await measure({ url: server.url })).toEqual({ phase: 'Error', message });
  });

  it.each([
    {
      config: { jsonPath: '{$.data.missing}' },
      message: 'Could not find JSONPath in body: missing is not found',
    },
    {
      config: { jsonPath: '{$.data.items[*].none[*]}' },
      message: 'Could not find JSONPath in body: none is not found',
    },
    { config: { jsonPath: '{$.data.items[?(@.v > 5)]}' }, message: 'result of web metric produced no value' },
    { config: { jsonPath: '{$.data' }, message: 'jsonPath "{$.data": unclosed action' },
    {
      config: { body: 'x' },
      message: 'Body/JSONBody can only be used with POST or PUT WebMetric Method types',
    },
    {
      config: { method: 'POST' as const, body: 'x', jsonBody: {} },
      message: 'use either Body or JSONBody; both cannot exists for WebMetric payload',
    },
    {
      config: { authentication: { oauth2: { tokenUrl: 'https://idp/token' } } },
      message: 'web authentication.oauth2 is not supported by truesplit',
    },
  ])('$message', async ({ config, message }) => {
    const server = await serve((_req, res) => sendJson(res, 200, payload));
    expect(await measure({ url: server.url, ...config })).toEqual({ phase: 'Error', message });
  });

  it('times out after timeoutSeconds', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const measurement = await measure({ url: `${server.url}/slow`, timeoutSeconds: 1 });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toMatch(/^Get "http:\/\/127\.0\.0\.1:\d+\/slow": timeout after 1s$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('web provider: credentials', () => {
  it('a server echoing the Authorization header does not put it into value or message', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { seen: req.headers.authorization, n: 1 }));
    const headers = [{ key: 'Authorization', value: 'Bearer abc-def-123' }];
    const measurement = await measure({ url: server.url, headers });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer abc-def-123');
    expect(measurement.value).toBe('{"seen":"*****","n":1}');
    expect(JSON.stringify(measurement.value)).not.toContain('abc-def-123');
  });

  it('a secret in the URL query does not reach the message', async () => {
    const server = await serve(() => undefined);
    const url = `${server.url}/q?api_key=very-secret-key`;
    await server.close();
    const measurement = await measure({ url }, { secrets: [] });
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toMatch(/^Get "http:\/\/127\.0\.0\.1:\d+\/q\?…": connect ECONNREFUSED/);
    expect(measurement.message).not.toContain('very-secret-key');
  });

  it('secret arg values are removed from the stored value', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { token: 'sekrit-value' }));
    const measurement = await measure({ url: server.url }, { secrets: ['sekrit-value'] });
    expect(measurement.value).toBe('{"token":"*****"}');
  });
});

describe('web provider: TLS', () => {
  const certificate = selfSignedCertificate();
  const skip = 'skip' in certificate ? certificate.skip : undefined;
  if (skip) console.log(`TLS rows skipped: ${skip}`);

  it.skipIf(skip !== undefined)('a self-signed certificate is refused unless insecure', async () => {
    if ('skip' in certificate) return;
    const server = await serve((_req, res) => sendJson(res, 200, { ok: 1 }), certificate);
    const secure = await measure({ url: server.url, jsonPath: '{$.ok}' });
    expect(secure.phase).toBe('Error');
    expect(secure.message).toMatch(/self[- ]signed certificate/);
    expect(await measure({ url: server.url, jsonPath: '{$.ok}', insecure: true })).toEqual({
      result: 1,
      value: '1',
    });
  });
});
