/**
 * Server-sent events: each client gets the list of Rollouts (`event: rollouts`) or one Rollout's view
 * (`event: rollout`) at connect time and again after changes, at most once per push interval.
 *
 * Bounded: at most `maxClients` streams (more are answered 503), and a client whose socket buffer is full is
 * skipped until it drains — every event is a whole snapshot, so it then gets the latest one and misses nothing it
 * needs. A client that stays full longer than `stallMs` is dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-util.js';
import type { RolloutStore } from './rollout-store.js';

interface Client {
  res: ServerResponse;
  rollout: { namespace: string; name: string } | undefined;
  last: string;
  /** Since when a write returned false and 'drain' has not come yet (undefined: the socket takes writes). */
  fullSince: number | undefined;
}

export type SseSource = Pick<RolloutStore, 'summaries' | 'view'>;

export interface SseLimits {
  /** Concurrent streams; more are refused with 503. */
  maxClients: number;
  /** Minimum time between two pushes. */
  intervalMs: number;
  /** A client whose socket stays full this long is disconnected. */
  stallMs: number;
  heartbeatMs: number;
}

export const DEFAULT_MAX_EVENT_STREAMS = 32;

export const DEFAULT_SSE_LIMITS: SseLimits = {
  maxClients: DEFAULT_MAX_EVENT_STREAMS,
  intervalMs: 250,
  stallMs: 30_000,
  heartbeatMs: 15_000,
};

export class SseHub {
  private readonly clients = new Set<Client>();
  private pending: NodeJS.Timeout | undefined;
  private lastPush = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly store: SseSource,
    private readonly limits: SseLimits = DEFAULT_SSE_LIMITS,
  ) {
    this.heartbeat = setInterval(() => this.beat(), limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  open(req: IncomingMessage, res: ServerResponse, rollout: Client['rollout']): void {
    if (this.clients.size >= this.limits.maxClients) {
      throw new HttpError(
        503,
        `too many event streams open (limit ${this.limits.maxClients}); close a dashboard tab or retry later`,
        { 'Retry-After': '10' },
      );
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const client: Client = { res, rollout, last: '', fullSince: undefined };
    this.clients.add(client);
    req.on('close', () => this.clients.delete(client));
    res.on('drain', () => {
      client.fullSince = undefined;
      this.send(client);
    });
    this.write(client, 'retry: 2000\n\n');
    this.send(client);
  }

  /** Pushes to every client, at most once per interval (trailing call guaranteed). */
  schedule(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastPush + this.limits.intervalMs - Date.now());
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

  private beat(): void {
    const now = Date.now();
    for (const client of this.clients) {
      if (client.fullSince !== undefined && now - client.fullSince >= this.limits.stallMs) this.drop(client);
      else this.write(client, ': keep-alive\n\n');
    }
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.res.destroy();
  }

  private send(client: Client): void {
    if (client.fullSince !== undefined) return;
    const { event, data } = this.payload(client);
    const text = JSON.stringify(data);
    if (text === client.last) return;
    client.last = text;
    this.write(client, `event: ${event}\ndata: ${text}\n\n`);
  }

  /** Writes unless the socket buffer is full; a full one is skipped until 'drain'. */
  private write(client: Client, chunk: string): void {
    if (client.fullSince !== undefined) return;
    if (!client.res.write(chunk)) client.fullSince = Date.now();
  }

  private payload(client: Client): { event: string; data: unknown } {
    if (!client.rollout) return { event: 'rollouts', data: { items: this.store.summaries() } };
    const view = this.store.view(client.rollout.namespace, client.rollout.name);
    return view ? { event: 'rollout', data: view } : { event: 'gone', data: client.rollout };
  }
}
