/** rollbackWindow through the real controller: a rollback to the previous revision takes one pass, no pauses. */
import { describe, expect, it } from 'vitest';
import { NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { hostRollout, service, STEPS, virtualService } from './scenarios.js';

const image = (tag: string) => ({
  spec: { template: { spec: { containers: [{ name: 'web', image: tag }] } } },
});

describe('controller: rollbackWindow', () => {
  it.each([
    { revisions: 1, skipped: true },
    { revisions: 0, skipped: false },
  ])(
    'window $revisions: rollback to the previous revision skips the steps = $skipped',
    async ({ revisions, skipped }) => {
      const h = await startHarness();
      for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
      await h.cluster.create('VirtualService', virtualService('host'));
      const rollout = hostRollout('web:1', STEPS);
      rollout.spec.rollbackWindow = { revisions };
      await h.cluster.create('Rollout', rollout);
      await h.settle();
      const v1 = (await h.rollout()).status?.stableRS;
      await h.advance(2_000);
      await h.cluster.patch('Rollout', NS, 'web', image('web:2'));
      await h.settle();
      await h.cluster.patch(
        'Rollout',
        NS,
        'web',
        { status: { promoteFull: true } },
        { subresource: 'status' },
      );
      await h.advance(40_000);
      expect((await h.rollout()).status?.stableRS).not.toBe(v1);
      await h.cluster.patch('Rollout', NS, 'web', image('web:1'));
      await h.settle();
      const after = await h.rollout();
      if (skipped) {
        expect(after.status?.stableRS).toBe(v1);
        expect(after.status?.currentStepIndex).toBe(STEPS.length);
        expect(after.status?.phase).toBe('Healthy');
      } else {
        expect(after.status?.stableRS).not.toBe(v1);
        expect(after.status?.currentStepIndex).toBe(1);
        expect(after.status?.phase).toBe('Paused');
      }
    },
  );
});
