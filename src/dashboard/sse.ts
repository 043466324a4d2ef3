/**
 * Server-sent events: each client gets the list of Rollouts (`event: rollouts`) or one Rollout's view
 * (`event: rollout`) at connect time and again after changes, at most once per push interval.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RolloutStore } from './rollout-store.js';

interface Client {
  res: ServerResponse;
  rollout: { namespace: string; name: string } | undefined;
  last: string;
}

const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly clients = new Set<Client>();
  private pending: NodeJS.Timeout | undefined;
  private lastPush = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly store: RolloutStore,
    private readonly intervalMs: number,
  ) {
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  open(req: IncomingMessage, res: ServerResponse, rollout: Client['rollout']): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const client: Client = { res, rollout, last: '' };
    this.clients.add(client);
    req.on('close', () => this.clients.delete(client));
    this.send(client);
  }

  /** Pushes to every client, at most once per interval (trailing call guaranteed). */
  schedule(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastPush + this.intervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastPush = Date.now();
      for (const client of this.clients) this.send(client);
    }, wait);
    this.pending.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.pending) clearTimeout(this.pending);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private send(client: Client): void {
    const { event, data } = this.payload(client);
    const text = JSON.stringify(data);
    if (text === client.last) return;
    client.last = text;
    client.res.write(`event: ${event}\ndata: ${text}\n\n`);
  }

  private payload(client: Client): { event: string; data: unknown } {
    if (!client.rollout) return { event: 'rollouts', data: { items: this.store.summaries() } };
    const view = this.store.view(client.rollout.namespace, client.rollout.name);
    return view ? { event: 'rollout', data: view } : { event: 'gone', data: client.rollout };
  }
}
