import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/kube/cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import {
  flush,
  newCluster,
  NS,
  podObject,
  replicaSetObject,
  rolloutObject,
  serviceObject,
} from './fixtures.js';

async function errorOf(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('MemoryCluster writes', () => {
  it('assigns uid, resourceVersion from a global counter, generation 1 and drops status on create', async () => {
    const { cluster } = await newCluster();
    const a = await cluster.create('Rollout', { ...rolloutObject('a'), status: { phase: 'Healthy' } });
    const b = await cluster.create('Service', serviceObject('b', { app: 'b' }));
    expect(a.metadata.uid).toMatch(/[0-9a-f-]{36}/);
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(a.metadata.generation).toBe(1);
    expect(a.status).toBeUndefined();
  });

  it.each([
    { name: 'duplicate name', setup: true, ns: NS, code: 409, reason: 'AlreadyExists' },
    { name: 'missing namespace', setup: false, ns: 'nowhere', code: 404, reason: 'NotFound' },
  ])('create fails on $name', async ({ setup, ns, code, reason }) => {
    const { cluster } = await newCluster();
    if (setup) await cluster.create('Rollout', rolloutObject('a'));
    const obj = rolloutObject('a');
    const err = await errorOf(
      cluster.create('Rollout', { ...obj, metadata: { ...obj.metadata, namespace: ns } }),
    );
    expect([err.code, err.reason]).toEqual([code, reason]);
  });

  it.each([
    { name: 'stale resourceVersion', rv: (cur: string) => String(Number(cur) - 1), code: 409 },
    { name: 'missing resourceVersion on a custom resource', rv: () => undefined, code: 422 },
  ])('update rejects $name', async ({ rv, code }) => {
    const { cluster } = await newCluster();
    const created = await cluster.create('Rollout', rolloutObject('a'));
    await cluster.patch('Rollout', NS, 'a', { spec: { replicas: 2 } });
    const { resourceVersion: _drop, ...meta } = created.metadata;
    const requested = rv(created.metadata.resourceVersion!);
    const err = await errorOf(
      cluster.update('Rollout', {
        ...created,
        metadata: { ...meta, ...(requested ? { resourceVersion: requested } : {}) },
      }),
    );
    expect(err.code).toBe(code);
  });

  it('returns 404 for get, update, patch and delete of a missing object', async () => {
    const { cluster } = await newCluster();
    const calls = [
      cluster.get('Service', NS, 'x'),
      cluster.update('Service', { ...serviceObject('x', {}), kind: 'Service' }),
      cluster.patch('Service', NS, 'x', { spec: {} }),
      cluster.delete('Service', NS, 'x'),
    ];
    for (const call of calls) expect((await errorOf(call)).code).toBe(404);
  });

  it.each([
    {
      name: 'spec change bumps generation',
      patch: { spec: { replicas: 5 } },
      generation: 2,
      rvChanges: true,
    },
    {
      name: 'label change keeps generation',
      patch: { metadata: { labels: { x: 'y' } } },
      generation: 1,
      rvChanges: true,
    },
    {
      name: 'no-op keeps resourceVersion',
      patch: { spec: { replicas: 1 } },
      generation: 1,
      rvChanges: false,
    },
  ])('$name', async ({ patch, generation, rvChanges }) => {
    const { cluster } = await newCluster();
    const created = await cluster.create('Rollout', rolloutObject('a'));
    const patched = await cluster.patch('Rollout', NS, 'a', patch);
    expect(patched.metadata.generation).toBe(generation);
    expect(patched.metadata.resourceVersion !== created.metadata.resourceVersion).toBe(rvChanges);
  });

  it('keeps status on update and spec on updateStatus (status subresource)', async () => {
    const { cluster } = await newCluster();
    const created = await cluster.create('Rollout', rolloutObject('a'));
    const withStatus = await cluster.updateStatus('Rollout', {
      ...created,
      spec: { ...created.spec, replicas: 9 },
      status: { phase: 'Paused' },
    });
    expect([withStatus.spec.replicas, withStatus.status?.phase, withStatus.metadata.generation]).toEqual([
      1,
      'Paused',
      1,
    ]);
    const updated = await cluster.update('Rollout', {
      ...withStatus,
      spec: { ...withStatus.spec, replicas: 3 },
      status: { phase: 'Healthy' },
    });
    expect([updated.spec.replicas, updated.status?.phase, updated.metadata.generation]).toEqual([
      3,
      'Paused',
      2,
    ]);
    const statusPatched = await cluster.patch(
      'Rollout',
      NS,
      'a',
      { status: { abort: true }, spec: { replicas: 7 } },
      { subresource: 'status' },
    );
    expect([statusPatched.spec.replicas, statusPatched.status?.abort, statusPatched.status?.phase]).toEqual([
      3,
      true,
      'Paused',
    ]);
  });

  it('rejects updateStatus on a kind without a status subresource', async () => {
    const { cluster } = await newCluster();
    const lease = await cluster.create('Lease', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l', namespace: NS },
      spec: {},
    });
    expect((await errorOf(cluster.updateStatus('Lease', lease))).code).toBe(404);
  });

  it('applies merge patches: nested merge, array replace, null deletes', async () => {
    const { cluster } = await newCluster();
    await cluster.create('Service', {
      ...serviceObject('s', { app: 's', tier: 'web' }),
      metadata: { name: 's', namespace: NS, annotations: { keep: '1', drop: '2' } },
    });
    const patched = await cluster.patch('Service', NS, 's', {
      metadata: { annotations: { drop: null, add: '3' } },
      spec: { selector: { tier: null, hash: 'abc' }, ports: [{ port: 80 }] },
    });
    expect(patched.metadata.annotations).toEqual({ keep: '1', add: '3' });
    expect(patched.spec.selector).toEqual({ app: 's', hash: 'abc' });
    expect(patched.spec.ports).toEqual([{ port: 80 }]);
  });

  it('checks a resourceVersion precondition carried by a patch', async () => {
    const { cluster } = await newCluster();
    await cluster.create('Service', serviceObject('s', {}));
    expect(
      (
        await errorOf(
          cluster.patch('Service', NS, 's', { metadata: { resourceVersion: '1' }, spec: { type: 'X' } }),
        )
      ).code,
    ).toBe(409);
  });

  it('hands out deep copies: mutating a returned object never changes the store', async () => {
    const { cluster } = await newCluster();
    const created = await cluster.create('Service', serviceObject('s', { app: 's' }));
    created.spec.selector!.app = 'mutated';
    const listed = await cluster.list('Service', { namespace: NS });
    listed.items[0]!.spec.selector!.app = 'mutated-too';
    expect((await cluster.get('Service', NS, 's')).spec.selector).toEqual({ app: 's' });
  });
});

describe('MemoryCluster selectors', () => {
  const rows = [
    { name: 'equality', selector: 'app=web', expected: ['a', 'b'] },
    { name: 'inequality', selector: 'app!=web', expected: ['c', 'd'] },
    { name: 'set in', selector: 'track in (canary,stable)', expected: ['a', 'b', 'c'] },
    { name: 'set notin', selector: 'track notin (canary)', expected: ['b', 'c', 'd'] },
    { name: 'exists', selector: 'rollouts-pod-template-hash', expected: ['a', 'c'] },
    { name: 'does not exist', selector: '!rollouts-pod-template-hash', expected: ['b', 'd'] },
    { name: 'combined', selector: 'app=web,rollouts-pod-template-hash', expected: ['a'] },
    {
      name: 'matchExpressions object',
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'track', operator: 'In' as const, values: ['stable'] }],
      },
      expected: ['b'],
    },
  ];
  it.each(rows)('label selector: $name', async ({ selector, expected }) => {
    const { cluster } = await newCluster();
    const labels: Record<string, Record<string, string>> = {
      a: { app: 'web', track: 'canary', 'rollouts-pod-template-hash': 'h1' },
      b: { app: 'web', track: 'stable' },
      c: { app: 'api', track: 'stable', 'rollouts-pod-template-hash': 'h2' },
      d: { app: 'api' },
    };
    for (const [name, l] of Object.entries(labels))
      await cluster.create('ReplicaSet', replicaSetObject(name, l));
    const { items } = await cluster.list('ReplicaSet', { labelSelector: selector });
    expect(items.map((i) => i.metadata.name).sort()).toEqual(expected);
  });

  it.each([
    { name: 'metadata.name', field: 'metadata.name=b', expected: ['other/b', 'shop/b'] },
    { name: 'metadata.namespace', field: 'metadata.namespace=other', expected: ['other/a', 'other/b'] },
    { name: 'combined with !=', field: 'metadata.namespace=shop,metadata.name!=a', expected: ['shop/b'] },
  ])('field selector: $name', async ({ field, expected }) => {
    const { cluster } = await newCluster([NS, 'other']);
    for (const ns of [NS, 'other']) {
      for (const name of ['a', 'b'])
        await cluster.create('Service', { ...serviceObject(name, {}), metadata: { name, namespace: ns } });
    }
    const { items } = await cluster.list('Service', { fieldSelector: field });
    expect(items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual(expected);
  });
});

describe('MemoryCluster watch', () => {
  function collect() {
    const events: string[] = [];
    const errors: (Error | undefined)[] = [];
    return {
      events,
      errors,
      onEvent: (e: WatchEvent<KubeObject>) => events.push(`${e.type} ${e.object.metadata.name}`),
      onDone: (err?: Error) => errors.push(err),
    };
  }

  it('replays changes after a resourceVersion, then streams new ones', async () => {
    const { cluster } = await newCluster();
    const { resourceVersion } = await cluster.list('Service');
    await cluster.create('Service', serviceObject('a', {}));
    await cluster.patch('Service', NS, 'a', { spec: { type: 'ClusterIP' } });
    const sink = collect();
    cluster.watch('Service', { resourceVersion }, sink.onEvent, sink.onDone);
    await cluster.delete('Service', NS, 'a');
    await flush();
    expect(sink.events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('sends ADDED for every object when started without a resourceVersion', async () => {
    const { cluster } = await newCluster();
    await cluster.create('Service', serviceObject('a', {}));
    const sink = collect();
    cluster.watch('Service', {}, sink.onEvent, sink.onDone);
    await flush();
    expect(sink.events).toEqual(['ADDED a']);
  });

  it('answers 410 Gone when the resourceVersion is older than the retained history', async () => {
    const { cluster } = await newCluster([NS], 2);
    const { resourceVersion } = await cluster.list('Service');
    for (const name of ['a', 'b', 'c']) await cluster.create('Service', serviceObject(name, {}));
    const sink = collect();
    cluster.watch('Service', { resourceVersion }, sink.onEvent, sink.onDone);
    await flush();
    expect(sink.events).toEqual([]);
    expect((sink.errors[0] as KubeApiError).code).toBe(410);
  });

  it('translates selector transitions into ADDED and DELETED for a filtered watch', async () => {
    const { cluster } = await newCluster();
    const { resourceVersion } = await cluster.list('ReplicaSet');
    const sink = collect();
    cluster.watch(
      'ReplicaSet',
      { resourceVersion, labelSelector: 'rollouts-pod-template-hash' },
      sink.onEvent,
      sink.onDone,
    );
    await cluster.create('ReplicaSet', replicaSetObject('rs', { app: 'x' }));
    await cluster.patch('ReplicaSet', NS, 'rs', {
      metadata: { labels: { 'rollouts-pod-template-hash': 'h' } },
    });
    await cluster.patch('ReplicaSet', NS, 'rs', { spec: { replicas: 3 } });
    await cluster.patch('ReplicaSet', NS, 'rs', {
      metadata: { labels: { 'rollouts-pod-template-hash': null } },
    });
    await flush();
    expect(sink.events).toEqual(['ADDED rs', 'MODIFIED rs', 'DELETED rs']);
  });

  it('delivers bookmarks, clean closes and errors', async () => {
    const { cluster } = await newCluster();
    const sink = collect();
    const bookmarks: string[] = [];
    cluster.watch(
      'Service',
      { resourceVersion: cluster.resourceVersion(), allowWatchBookmarks: true },
      (e) => {
        if (e.type === 'BOOKMARK') bookmarks.push(e.object.metadata.resourceVersion!);
      },
      sink.onDone,
    );
    cluster.sendBookmarks();
    cluster.closeWatches();
    await flush();
    expect(bookmarks).toEqual([cluster.resourceVersion()]);
    expect(sink.errors).toEqual([undefined]);
    expect(cluster.openWatches()).toBe(0);
  });
});

describe('MemoryCluster garbage collection', () => {
  it('deleting a Rollout deletes its ReplicaSets and their Pods, and nothing else', async () => {
    const { cluster } = await newCluster();
    const ro = await cluster.create('Rollout', rolloutObject('web'));
    const rs = await cluster.create(
      'ReplicaSet',
      replicaSetObject('web-abc', { app: 'web' }, { kind: 'Rollout', name: 'web', uid: ro.metadata.uid! }),
    );
    await cluster.create(
      'Pod',
      podObject('web-abc-1', { app: 'web' }, { name: 'web-abc', uid: rs.metadata.uid! }),
    );
    await cluster.create('ReplicaSet', replicaSetObject('unowned', { app: 'web' }));
    await cluster.delete('Rollout', NS, 'web');
    const remaining = [
      ...(await cluster.list('ReplicaSet')).items.map((o) => o.metadata.name),
      ...(await cluster.list('Pod')).items.map((o) => o.metadata.name),
    ];
    expect(remaining).toEqual(['unowned']);
  });

  it('deleting a Namespace deletes its objects', async () => {
    const { cluster } = await newCluster([NS, 'other']);
    await cluster.create('Service', serviceObject('a', {}));
    await cluster.create('Service', {
      ...serviceObject('b', {}),
      metadata: { name: 'b', namespace: 'other' },
    });
    await cluster.delete('Namespace', '', NS);
    expect((await cluster.list('Service')).items.map((s) => s.metadata.name)).toEqual(['b']);
  });
});
