import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/kube/cluster.js';
import { fenceWrites, NotLeaderError } from '../../src/kube/fenced-cluster.js';
import { newCluster, NS, rolloutObject } from './fixtures.js';

const WRITES: { verb: string; call: (c: Cluster) => Promise<unknown> }[] = [
  { verb: 'create', call: (c) => c.create('Rollout', rolloutObject('other')) },
  { verb: 'update', call: async (c) => c.update('Rollout', await c.get('Rollout', NS, 'web')) },
  { verb: 'updateStatus', call: async (c) => c.updateStatus('Rollout', await c.get('Rollout', NS, 'web')) },
  { verb: 'patch', call: (c) => c.patch('Rollout', NS, 'web', { metadata: { labels: { a: 'b' } } }) },
  { verb: 'delete', call: (c) => c.delete('Rollout', NS, 'web') },
];

describe('fenceWrites', () => {
  it.each(WRITES)('$verb is refused without leadership and passes with it', async ({ call }) => {
    const { cluster } = await newCluster();
    await cluster.create('Rollout', rolloutObject('web'));
    let leader = false;
    const fenced = fenceWrites(cluster, () => leader);
    const before = cluster.writes().length;
    await expect(call(fenced)).rejects.toBeInstanceOf(NotLeaderError);
    expect(cluster.writes().length).toBe(before);
    leader = true;
    await call(fenced);
    expect(cluster.writes().length).toBe(before + 1);
  });

  it('reads pass through without leadership (standbys keep warm caches)', async () => {
    const { cluster } = await newCluster();
    await cluster.create('Rollout', rolloutObject('web'));
    const fenced = fenceWrites(cluster, () => false);
    const [one, all] = await Promise.all([fenced.get('Rollout', NS, 'web'), fenced.list('Rollout')]);
    expect([one.metadata.name, all.items.length]).toEqual(['web', 1]);
  });
});
