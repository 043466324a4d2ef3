import { describe, expect, it } from 'vitest';
import { watchLoop } from '../../src/cli/live/watch.js';
import { ManualClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';

/** `get -w` with observed shares: renders again every `everyMs` (longer than the 100 ms debounce) while `refreshing()` says so, with no watch event. */
describe('watchLoop refresh', () => {
  it.each([
    { name: 'refreshing', refreshing: true, atLeast: 3 },
    { name: 'not refreshing', refreshing: false, atLeast: 1 },
  ])('$name', async ({ refreshing, atLeast }) => {
    const cluster = new MemoryCluster({ clock: new ManualClock(0) });
    let renders = 0;
    const end = await watchLoop({
      cluster,
      targets: [{ kind: 'Rollout', namespace: 'shop' }],
      onChange: () => Promise.resolve(++renders < 0),
      timeoutMs: 900,
      refresh: { everyMs: 150, refreshing: () => refreshing },
    });
    expect(end).toBe('timeout');
    expect(renders).toBeGreaterThanOrEqual(atLeast);
    if (!refreshing) expect(renders).toBe(1);
  });
});
