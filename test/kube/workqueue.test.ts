import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kube/clock.js';
import { ItemExponentialRateLimiter } from '../../src/kube/rate-limiter.js';
import { runWorkers, WorkQueue } from '../../src/kube/workqueue.js';
import { flush } from './fixtures.js';

function drain(queue: WorkQueue): string[] {
  const keys: string[] = [];
  while (queue.depth() > 0) {
    void queue.get().then((k) => {
      if (k !== undefined) {
        keys.push(k);
        queue.done(k);
      }
    });
  }
  return keys;
}

describe('WorkQueue', () => {
  it('deduplicates a burst of adds into one item', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    for (const key of ['ns/a', 'ns/b', 'ns/a', 'ns/a', 'ns/b']) queue.add(key);
    expect(queue.depth()).toBe(2);
    const keys = drain(queue);
    await flush();
    expect(keys).toEqual(['ns/a', 'ns/b']);
  });

  it('never hands a key being processed to a second worker and processes a re-add once more after done', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    queue.add('ns/a');
    const first = await queue.get();
    queue.add('ns/a');
    queue.add('ns/a');
    expect([first, queue.depth(), queue.isProcessing('ns/a')]).toEqual(['ns/a', 0, true]);
    queue.done('ns/a');
    expect(queue.depth()).toBe(1);
    expect(await queue.get()).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.depth()).toBe(0);
  });

  it.each([
    { name: 'first failure', failures: 0, delay: 5 },
    { name: 'fifth failure', failures: 4, delay: 80 },
    { name: 'capped at 1000 s', failures: 40, delay: 1_000_000 },
  ])('backs off exponentially: $name', ({ failures, delay }) => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    for (let i = 0; i < failures; i++) queue.nextBackoff('ns/a');
    expect(queue.nextBackoff('ns/a')).toBe(delay);
  });

  it('resets backoff on forget', () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    for (let i = 0; i < 5; i++) queue.nextBackoff('ns/a');
    queue.forget('ns/a');
    expect(queue.nextBackoff('ns/a')).toBe(5);
  });

  it('addAfter queues the key when the clock reaches the delay, keeping the earliest schedule', () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    queue.addAfter('ns/a', 5_000);
    queue.addAfter('ns/a', 2_000);
    queue.addAfter('ns/a', 9_000);
    clock.advance(1_999);
    expect(queue.depth()).toBe(0);
    clock.advance(1);
    expect([queue.depth(), queue.delayedCount()]).toEqual([1, 0]);
  });

  it('addRateLimited waits for the backoff delay', () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, rateLimiter: new ItemExponentialRateLimiter(100) });
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    clock.advance(99);
    expect(queue.depth()).toBe(0);
    clock.advance(1);
    expect(queue.depth()).toBe(1);
  });

  it('reports depth changes and resolves pending gets on shutdown', async () => {
    const depths: number[] = [];
    const queue = new WorkQueue({ clock: new ManualClock(), onDepthChange: (d) => depths.push(d) });
    queue.add('ns/a');
    queue.add('ns/b');
    const pending = (async () => {
      await queue.get();
      await queue.get();
      return queue.get();
    })();
    await flush();
    queue.shutdown();
    expect(await pending).toBeUndefined();
    expect(depths).toEqual([1, 2, 1, 0, 0]);
  });

  it('runs N workers in parallel without ever processing one key twice at once', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const active = new Set<string>();
    let concurrent = 0;
    let maxConcurrent = 0;
    let overlaps = 0;
    const processed: string[] = [];
    const workers = runWorkers(queue, 3, async (key) => {
      if (active.has(key)) overlaps++;
      active.add(key);
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      await flush(2);
      if (processed.length < 6) queue.add(key);
      processed.push(key);
      concurrent--;
      active.delete(key);
    });
    for (const key of ['ns/a', 'ns/b', 'ns/c']) queue.add(key);
    await flush(40);
    queue.shutdown();
    await workers;
    expect(overlaps).toBe(0);
    expect(maxConcurrent).toBe(3);
    expect(processed.length).toBeGreaterThanOrEqual(6);
  });
});

describe('runWorkers and the event loop', () => {
  // Keys that re-add themselves and passes that resolve at once (cache reads only, or an in-memory cluster): the
  // loops must still let a due timer run between keys (ADR 0315), not only once the queue is empty.
  it.each([1, 2, 4])(
    'lets a due timer fire between keys with %i worker(s) that always have work',
    async (n) => {
      const queue = new WorkQueue({ clock: new ManualClock() });
      let processed = 0;
      let processedWhenTimerFired: number | undefined;
      const timer = new Promise<void>((resolve) =>
        setTimeout(() => {
          processedWhenTimerFired = processed;
          resolve();
        }, 1),
      );
      const due = performance.now() + 2;
      while (performance.now() < due); // the timer is due from the loop's next turn on
      const workers = runWorkers(queue, n, async (key) => {
        processed++;
        if (processed >= 5000) queue.shutdown();
        else queue.add(key);
        await Promise.resolve();
      });
      for (let i = 0; i < n; i++) queue.add(`ns/${i}`);
      await workers;
      await timer;
      expect(processed).toBeGreaterThan(0);
      expect(processedWhenTimerFired).toBeLessThanOrEqual(2 * n);
    },
  );
});

describe('WorkQueue.addUrgent', () => {
  it.each([
    {
      name: 'a new key goes ahead of the waiting ones',
      queued: ['a', 'b'],
      urgent: 'c',
      want: ['c', 'a', 'b'],
    },
    { name: 'a waiting key moves to the front', queued: ['a', 'b', 'c'], urgent: 'c', want: ['c', 'a', 'b'] },
    { name: 'a key already first stays once', queued: ['a', 'b'], urgent: 'a', want: ['a', 'b'] },
  ])('$name', async ({ queued, urgent, want }) => {
    const queue = new WorkQueue({ clock: new ManualClock(0) });
    for (const key of queued) queue.add(key);
    queue.addUrgent(urgent);
    const keys: string[] = [];
    for (let i = 0; i < want.length; i++) keys.push((await queue.get())!);
    expect([keys, queue.depth()]).toEqual([want, 0]);
  });

  it('a key being processed goes first after done', async () => {
    const queue = new WorkQueue({ clock: new ManualClock(0) });
    queue.add('a');
    const key = await queue.get();
    queue.add('b');
    queue.addUrgent('a');
    queue.done(key!);
    expect([await queue.get(), await queue.get()]).toEqual(['a', 'b']);
  });
});
