import { describe, expect, it } from 'vitest';
import { Driver, makeRollout } from './harness.js';

/** Apply images web:2 … web:(n+1), each fully promoted (pause steps promoted, scale-down delays waited out). */
function updateTimes(d: Driver, n: number): void {
  for (let i = 2; i < n + 2; i++) {
    d.setImage(`web:${i}`);
    d.settle();
    d.promote();
    d.settle();
    d.advance(60_000);
    d.settle();
  }
}

describe('revisionHistoryLimit', () => {
  it.each([
    { limit: 1, traffic: 'host' as const, left: 2 },
    { limit: 0, traffic: 'host' as const, left: 1 },
    { limit: 2, traffic: 'none' as const, left: 3 },
    { limit: undefined, traffic: 'host' as const, left: 6 },
  ])(
    'limit $limit ($traffic): five updates leave $left ReplicaSets (the stable is the current one)',
    ({ limit, traffic, left }) => {
      const rollout = makeRollout({ replicas: 2, traffic, steps: [{ setWeight: 50 }, { pause: {} }] });
      if (limit !== undefined) rollout.spec.revisionHistoryLimit = limit;
      const d = Driver.healthy(rollout);
      updateTimes(d, 5);
      const hashes = d.cluster.replicaSets.map((rs) => rs.metadata.labels?.['rollouts-pod-template-hash']);
      expect(hashes).toHaveLength(left);
      expect(hashes).toContain(d.status.stableRS);
      expect(d.status.stableRS).toBe(d.status.currentPodHash);
      // The oldest go first: what is left is the newest revisions.
      const revisions = d.cluster.replicaSets
        .map((rs) => Number(rs.metadata.annotations?.['rollout.argoproj.io/revision']))
        .sort((a, b) => a - b);
      expect(revisions).toEqual([...Array(left).keys()].map((i) => 6 - left + 1 + i));
    },
  );

  it('never deletes the stable, the current, or an old ReplicaSet that still has pods', () => {
    const rollout = makeRollout({ replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] });
    rollout.spec.revisionHistoryLimit = 0;
    const d = Driver.healthy(rollout);
    const v1 = d.status.stableRS;
    d.setImage('web:2');
    d.settle();
    const v2 = d.status.currentPodHash;
    d.setImage('web:3'); // v2 is now an old canary with pods; v1 is still the stable
    d.step();
    const deleted = d.last.actions.filter((a) => a.type === 'deleteReplicaSet');
    expect(deleted).toEqual([]);
    expect([d.rs(v1) !== undefined, d.rs(v2) !== undefined]).toEqual([true, true]);
    d.settle();
    expect(d.rs(v2)).toBeUndefined(); // scaled to zero, then deleted
    expect(d.rs(v1)).toBeDefined();
  });
});
