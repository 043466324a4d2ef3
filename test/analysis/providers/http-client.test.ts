import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { sendHttp, type HttpCall } from '../../../src/analysis/providers/http-client.js';
import { startServer, type TestServer } from './http-fixture.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** /fast answers at once; /headers-only sends its headers and never ends the body; /silent never answers. */
async function server(): Promise<TestServer> {
  const s = await startServer((req, res) => {
    if (req.path === '/fast') res.writeHead(200).end('ok');
    else if (req.path === '/headers-only') res.writeHead(200).write('partial');
  });
  servers.push(s);
  return s;
}

const call = (url: string, extra: Partial<HttpCall> = {}): HttpCall => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 300,
  insecure: false,
  ...extra,
});

describe('sendHttp', () => {
  it.each([
    { path: '/silent', what: 'no answer' },
    { path: '/headers-only', what: 'a body that never ends' },
  ])('times out on $what, naming the request', async ({ path }) => {
    const s = await server();
    const started = Date.now();
    await expect(sendHttp(call(`${s.url}${path}`))).rejects.toThrow(
      /^Get "http:\/\/127\.0\.0\.1:\d+\/[a-z-]+": timeout after 0\.3s$/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    { path: '/silent', what: 'before the answer' },
    { path: '/headers-only', what: 'during the body' },
  ])('is cancelled by the caller’s signal $what', async ({ path }) => {
    const s = await server();
    const controller = new AbortController();
    const sent = sendHttp(call(`${s.url}${path}`, { timeoutMs: 10_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(sent).rejects.toThrow(/^Get "[^"]+": request cancelled$/);
  });

  it('with a signal already aborted sends nothing', async () => {
    const s = await server();
    const controller = new AbortController();
    controller.abort();
    await expect(sendHttp(call(`${s.url}/fast`, { signal: controller.signal }))).rejects.toThrow(
      /request cancelled$/,
    );
    expect(s.requests).toHaveLength(0);
  });

  it('leaves no listener on the caller’s long-lived signal once the exchange is over', async () => {
    const s = await server();
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) {
      const reply = await sendHttp(call(`${s.url}/fast`, { signal: controller.signal }));
      expect(reply).toEqual({ status: 200, body: 'ok' });
    }
    await expect(sendHttp(call(`${s.url}/silent`, { signal: controller.signal }))).rejects.toThrow(/timeout/);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
