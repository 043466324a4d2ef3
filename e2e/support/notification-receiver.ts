/**
 * A local HTTP receiver for notifications: a webhook endpoint (`/hook/…`) and a Slack incoming-webhook-shaped one
 * (`/services/T/B/X`, JSON in, `ok` out, as Slack answers). It records every request and can hold the responses to
 * the requests a predicate picks until released, so a test can kill the sender while it waits.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait-for.ts';

export const SLACK_PATH = '/services/T/B/X';

export interface Received {
  endpoint: 'webhook' | 'slack';
  path: string;
  method: string;
  body: string;
  /** The parsed JSON body (undefined when not JSON). */
  json: Record<string, unknown> | undefined;
}

export class NotificationReceiver {
  readonly received: Received[] = [];
  private hold: ((r: Received) => boolean) | undefined;
  private held: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<NotificationReceiver> {
    const handler: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
    const server = createServer((req, res) => handler.handle?.(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new NotificationReceiver(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    handler.handle = (req, res) => receiver.handle(req, res);
    return receiver;
  }

  /** Responses to requests matching `predicate` are held until `release()`. */
  holdWhere(predicate: (r: Received) => boolean): void {
    this.hold = predicate;
  }

  release(): void {
    this.hold = undefined;
    for (const res of this.held.splice(0)) if (!res.destroyed) res.end('ok');
  }

  /** Waits until `count` requests match; resolves with them (or throws after `timeoutMs`). */
  waitFor(what: string, match: (r: Received) => boolean, count = 1, timeoutMs = 60_000): Promise<Received[]> {
    return waitFor(
      what,
      () => Promise.resolve(this.received.filter(match)),
      (found) => found.length >= count,
      { timeoutMs, intervalMs: 50 },
    );
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const received: Received = {
        endpoint: path === SLACK_PATH ? 'slack' : 'webhook',
        path,
        method: req.method ?? '',
        body,
        json: parseJson(body),
      };
      if (received.endpoint === 'slack' && !received.json) {
        res.writeHead(400).end('invalid_payload');
        return;
      }
      this.received.push(received);
      if (this.hold?.(received)) this.held.push(res);
      else res.end('ok');
    });
  }
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
