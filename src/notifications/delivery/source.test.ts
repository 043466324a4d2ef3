/** NotificationConfigSource: one read per namespace per TTL, shared by concurrent callers, failures included. */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../kube/cluster.js';
import { ManualClock } from '../../kube/clock.js';
import { KubeApiError } from '../../kube/errors.js';
import { MemoryCluster } from '../../kube/memory-cluster.js';
import { NotificationConfigSource } from './source.js';

type Answer = 'present' | 'missing' | 'forbidden';

async function setup(answer: Answer) {
  const memory = new MemoryCluster();
  await memory.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'truesplit' } });
  if (answer !== 'missing')
    await memory.create('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argo-rollouts-notification-configmap', namespace: 'truesplit' },
      data: {},
    });
  let gets = 0;
  const cluster = new Proxy(memory, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Cluster['get']>) => {
        if (args[0] === 'ConfigMap') gets++;
        await new Promise((resolve) => setImmediate(resolve));
        if (answer === 'forbidden') throw new KubeApiError(403, 'Forbidden', 'configmaps is forbidden');
        return target.get(...args);
      };
    },
  });
  const clock = new ManualClock(1_000_000);
  const source = new NotificationConfigSource({
    cluster,
    clock,
    controllerNamespace: 'truesplit',
    selfService: false,
    ttlMs: 10_000,
    onInvalid: () => undefined,
  });
  return { source, clock, gets: () => gets };
}

describe('NotificationConfigSource', () => {
  it.each<[Answer, number]>([
    ['present', 1],
    ['missing', 0],
    ['forbidden', 0],
  ])('reads a %s ConfigMap once per TTL, however many callers ask at once', async (answer, configs) => {
    const { source, clock, gets } = await setup(answer);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => source.configsFor('shop')));
    expect(gets()).toBe(1);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled.length).toBe(answer === 'forbidden' ? 0 : 20);
    for (const r of fulfilled) expect(r.value.length).toBe(configs);
    await Promise.allSettled([source.configsFor('shop')]);
    expect(gets()).toBe(1);
    clock.advance(10_000);
    await Promise.allSettled([source.configsFor('shop')]);
    expect(gets()).toBe(2);
  });
});
