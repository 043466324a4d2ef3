/**
 * The controller evaluates the path model again only when an input changed: a pass over unchanged caches (a resync,
 * a status event) reuses the last evaluation, a changed VirtualService does not.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT as NAME, DEMO_VIRTUAL_SERVICE } from '../../src/sandbox/demo.js';
import { startCanary, startDemo } from './path-harness.js';

describe('path model memo in the controller', () => {
  it('reuses the evaluation while nothing it reads changed, and evaluates again when it did', async () => {
    const h = await startDemo({});
    await startCanary(h);
    const { stats } = h.controller.pathModel;
    const condition = await h.condition();
    const before = { ...stats };
    await h.controller.processKey(`${NS}/${NAME}`);
    expect(stats.misses).toBe(before.misses);
    expect(stats.hits).toBe(before.hits + 1);
    expect(await h.condition()).toEqual(condition);

    const vs = await h.cluster.get('VirtualService', NS, DEMO_VIRTUAL_SERVICE);
    await h.cluster.update('VirtualService', {
      ...vs,
      metadata: { ...vs.metadata, labels: { touched: 'yes' } },
    });
    await h.settle();
    expect(stats.misses).toBeGreaterThan(before.misses);
  });
});
