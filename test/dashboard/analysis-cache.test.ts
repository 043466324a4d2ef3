import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import { AnalysisCache } from '../../src/dashboard/analysis-cache.js';
import { demoObjects } from '../../src/sandbox/demo.js';

/** The demo app twice: in its own namespace and in `copy`. */
function twoApps(): { rollouts: Rollout[]; objects: KubeObject[] } {
  const demo = demoObjects().map(({ object }) => object as KubeObject);
  const copy = demo
    .filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== undefined)
    .map((o) => ({ ...structuredClone(o), metadata: { ...o.metadata, namespace: 'copy' } }));
  const all = [...demo, ...copy, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'copy' } }];
  return {
    rollouts: all.filter((o): o is Rollout => o.kind === 'Rollout'),
    objects: all.filter((o) => o.kind !== 'Rollout'),
  };
}

describe('AnalysisCache', () => {
  const { rollouts, objects } = twoApps();
  const [demo, copy] = rollouts as [Rollout, Rollout];
  const fresh = () => new AnalysisCache({ objects: () => objects, rollouts: () => rollouts });

  it('analyses every Rollout once, then serves the same result while nothing changes', () => {
    const cache = fresh();
    const first = cache.get(demo);
    expect(first.paths.length).toBeGreaterThan(0);
    expect(cache.get(demo)).toBe(first);
    expect(cache.get(copy)).toBe(cache.get(copy));
  });

  it.each([
    // The path analysis counts endpoints from ReplicaSets' status, never from Pods.
    { kind: 'Pod', namespace: 'copy', demoRecomputed: false, copyRecomputed: false },
    { kind: 'ReplicaSet', namespace: 'copy', demoRecomputed: false, copyRecomputed: true },
    {
      kind: 'Rollout',
      namespace: demo.metadata.namespace ?? '',
      demoRecomputed: true,
      copyRecomputed: false,
    },
    { kind: 'VirtualService', namespace: 'copy', demoRecomputed: true, copyRecomputed: true },
    { kind: 'Namespace', namespace: '', demoRecomputed: true, copyRecomputed: true },
  ])('a $kind change in "$namespace" re-analyses only what it can affect', (c) => {
    const cache = fresh();
    const [before, beforeCopy] = [cache.get(demo), cache.get(copy)];
    cache.invalidate(c.kind, c.namespace);
    const [after, afterCopy] = [cache.get(demo), cache.get(copy)];
    expect(after !== before).toBe(c.demoRecomputed);
    expect(afterCopy !== beforeCopy).toBe(c.copyRecomputed);
    expect(after).toEqual(before);
  });

  it('drops the analyses of Rollouts that are gone', () => {
    let present = rollouts;
    const cache = new AnalysisCache({ objects: () => objects, rollouts: () => present });
    cache.get(copy);
    present = [demo];
    cache.invalidate('Rollout', 'copy');
    expect(cache.get(copy)).toEqual({ paths: [], findings: [] });
  });
});
