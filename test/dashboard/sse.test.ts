import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RolloutSummary } from '../../src/dashboard/rollout-store.js';
import { SseHub, type SseSource } from '../../src/dashboard/sse.js';

/** A response whose socket buffer is full once `capacity` writes are buffered, until drain() is called. */
class SlowResponse extends EventEmitter {
  readonly writes: string[] = [];
  buffered = 0;
  destroyed = false;
  constructor(private readonly capacity: number) {
    super();
  }
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    this.buffered += 1;
    return this.buffered < this.capacity;
  }
  drain(): void {
    this.buffered = 0;
    this.emit('drain');
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

function source(): SseSource & { version: number } {
  const state = {
    version: 0,
    summaries: () => [{ name: `v${state.version}` } as RolloutSummary],
    view: () => undefined,
  };
  return state;
}

const events = (res: SlowResponse) => res.writes.filter((w) => w.startsWith('event:'));

describe('SSE back-pressure', () => {
  afterEach(() => vi.useRealTimers());

  it('skips a client whose socket buffer is full and sends it the latest snapshot once it drains', () => {
    vi.useFakeTimers();
    const store = source();
    const hub = new SseHub(store, { maxClients: 4, intervalMs: 10, stallMs: 60_000, heartbeatMs: 1000 });
    const res = new SlowResponse(2);
    hub.open(new EventEmitter() as IncomingMessage, res as unknown as ServerResponse, undefined);
    expect(events(res)).toHaveLength(1); // retry + first snapshot: the buffer is now full
    for (let i = 1; i <= 100; i++) {
      store.version = i;
      hub.schedule();
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(5000); // heartbeats are skipped as well
    expect(res.writes).toHaveLength(2);
    res.drain();
    expect(events(res)).toHaveLength(2);
    expect(events(res)[1]).toContain('"v100"');
    hub.close();
  });

  it('drops a client that stays full longer than the stall limit', () => {
    vi.useFakeTimers();
    const hub = new SseHub(source(), { maxClients: 4, intervalMs: 10, stallMs: 3000, heartbeatMs: 1000 });
    const res = new SlowResponse(1);
    hub.open(new EventEmitter() as IncomingMessage, res as unknown as ServerResponse, undefined);
    expect(hub.size).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(res.destroyed).toBe(false);
    vi.advanceTimersByTime(2000);
    expect(res.destroyed).toBe(true);
    expect(hub.size).toBe(0);
    hub.close();
  });

  it('keeps writing to a client that keeps up', () => {
    vi.useFakeTimers();
    const store = source();
    const hub = new SseHub(store, { maxClients: 4, intervalMs: 10, stallMs: 3000, heartbeatMs: 60_000 });
    const res = new SlowResponse(Number.POSITIVE_INFINITY);
    hub.open(new EventEmitter() as IncomingMessage, res as unknown as ServerResponse, undefined);
    for (let i = 1; i <= 5; i++) {
      store.version = i;
      hub.schedule();
      vi.advanceTimersByTime(20);
    }
    expect(events(res)).toHaveLength(6);
    hub.close();
  });
});
