/**
 * The real controller over the in-memory cluster, whose calls resolve at once: a timer that falls due while the work
 * queue still holds keys fires before the queue is drained (ADR 0315), as it would between an API server's replies.
 */
import { describe, expect, it } from 'vitest';
import { RolloutController } from '../../src/controller/controller.js';
import { defaultPlanning } from '../../src/controller/planning.js';
import { flush, newCluster, rolloutObject } from '../kube/fixtures.js';

const ROLLOUTS = 60;

/** Resolves with what `read` returns when a 1 ms timer fires; the timer is already due when this returns. */
function whenTimerFires<T>(read: () => T): Promise<T> {
  const fired = new Promise<T>((resolve) => setTimeout(() => resolve(read()), 1));
  const due = performance.now() + 2;
  while (performance.now() < due); // due from the event loop's next turn on
  return fired;
}

describe('the controller lets timers run while it has work', () => {
  it.each([1, 2])('%i worker(s): a due timer fires before the queue is drained', async (workers) => {
    const { cluster, clock } = await newCluster();
    for (let i = 0; i < ROLLOUTS; i++) await cluster.create('Rollout', rolloutObject(`app-${i}`));
    const controller = new RolloutController({ cluster, clock, planning: defaultPlanning });
    controller.startInformers();
    await flush();
    expect(controller.queue.depth()).toBe(ROLLOUTS);
    const depthWhenFired = whenTimerFires(() => controller.queue.depth());
    const running = controller.run(workers);
    const depth = await depthWhenFired;
    controller.stop();
    await running;
    expect(depth).toBeGreaterThanOrEqual(ROLLOUTS - 2 * workers);
  });
});
