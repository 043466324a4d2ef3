/**
 * The sender against a local HTTP server, and the queue's answer to each kind of refusal: a receiver that refuses
 * (401/403) is asked once; one that is overloaded (429/5xx) is asked again after the backoff or its Retry-After.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kube/clock.js';
import type { HttpRequest } from '../requests.js';
import { httpSender, receiverOf, retryAfterMs } from './http.js';
import { DeliveryQueue, PermanentError, RetryableError } from './queue.js';

type Answer = { status: number; headers?: Record<string, string>; body?: string };

let server: Server;
let base = '';
const answers: Answer[] = [];
const received: { url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body });
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = (path: string): HttpRequest => ({
  url: `${base}${path}`,
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: '{"text":"hi"}',
  expectSlackOk: false,
});

async function failure(answer: Answer): Promise<Error> {
  answers.push(answer);
  try {
    await httpSender(2000, () => Date.parse('2026-01-01T00:00:00Z'))(request('/services/T/B/SECRET'));
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the send to fail');
}

describe('httpSender', () => {
  it('sends the request and resolves on 2xx', async () => {
    received.length = 0;
    await httpSender()(request('/hook'));
    expect(received).toEqual([{ url: '/hook', body: '{"text":"hi"}' }]);
  });

  it.each<[string, Answer, 'permanent' | 'retryable', number | undefined]>([
    ['401', { status: 401 }, 'permanent', undefined],
    ['403', { status: 403 }, 'permanent', undefined],
    ['404 (retrying cannot help)', { status: 404 }, 'permanent', undefined],
    ['429 with Retry-After seconds', { status: 429, headers: { 'Retry-After': '7' } }, 'retryable', 7000],
    [
      '503 with Retry-After date',
      { status: 503, headers: { 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' } },
      'retryable',
      30_000,
    ],
    ['500 without Retry-After', { status: 500 }, 'retryable', undefined],
    ['408', { status: 408 }, 'retryable', undefined],
  ])('%s', async (_, answer, kind, wait) => {
    const error = await failure(answer);
    expect(error).toBeInstanceOf(kind === 'permanent' ? PermanentError : RetryableError);
    if (error instanceof RetryableError) expect(error.retryAfterMs).toBe(wait);
    expect(error.message).toContain(`${base} answered ${answer.status}`);
    expect(error.message).not.toContain('SECRET');
  });

  it('reads Retry-After as seconds or a date, ignoring anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('logs a receiver as its origin only', () => {
    expect(receiverOf('https://user:pw@hooks.slack.com/services/T/B/X?token=1')).toBe(
      'https://hooks.slack.com',
    );
  });
});

/** Runs one job on a queue with a manual clock; `advance` is called between attempts while the job is pending. */
async function attemptsFor(answer: Answer, steps: number[]): Promise<{ asked: number; gaveUp: boolean }> {
  const clock = new ManualClock(0);
  const queue = new DeliveryQueue(clock, { attempts: 5, initialMs: 1000, maxMs: 30_000 });
  const send = httpSender(2000, () => clock.now());
  received.length = 0;
  let gaveUp = false;
  for (let i = 0; i < 10; i++) answers.push(answer);
  queue.push({ run: () => send(request('/x')), giveUp: () => (gaveUp = true) });
  for (const ms of steps) {
    await until(() => clock.pendingTimers() > 0 || gaveUp);
    clock.advance(ms);
  }
  await queue.idle();
  queue.stop();
  answers.length = 0;
  return { asked: received.length, gaveUp };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('delivery to a receiver that refuses', () => {
  it('asks a receiver answering 403 once, then gives up', async () => {
    expect(await attemptsFor({ status: 403 }, [])).toEqual({ asked: 1, gaveUp: true });
  });

  it('asks a 503 receiver five times with exponential backoff (1, 2, 4, 8 s)', async () => {
    expect(await attemptsFor({ status: 503 }, [1000, 2000, 4000, 8000])).toEqual({ asked: 5, gaveUp: true });
  });

  it('waits as long as Retry-After asks: 2 s of backoff is not enough for Retry-After: 10', async () => {
    const clock = new ManualClock(0);
    const queue = new DeliveryQueue(clock);
    received.length = 0;
    answers.push({ status: 429, headers: { 'Retry-After': '10' } }, { status: 200 });
    const send = httpSender(2000, () => clock.now());
    queue.push({ run: () => send(request('/x')), giveUp: () => undefined });
    await until(() => clock.pendingTimers() > 0);
    clock.advance(9_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.length).toBe(1);
    clock.advance(1);
    await queue.idle();
    expect(received.length).toBe(2);
  });

  it('gives up at once when Retry-After asks for more than 5 minutes', async () => {
    expect(await attemptsFor({ status: 429, headers: { 'Retry-After': '3600' } }, [])).toEqual({
      asked: 1,
      gaveUp: true,
    });
  });
});
