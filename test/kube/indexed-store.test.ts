import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../src/api/meta.js';
import { IndexedStore } from '../../src/kube/indexed-store.js';

function object(namespace: string, name: string, owners: Partial<OwnerReference>[] = []): KubeObject {
  const ownerReferences = owners.map((o) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    name: 'r',
    uid: '',
    ...o,
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { namespace, name, ...(owners.length > 0 ? { ownerReferences } : {}) },
  };
}

function filled(objects: KubeObject[]): IndexedStore<KubeObject> {
  const store = new IndexedStore<KubeObject>();
  for (const o of objects) store.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
  return store;
}

const names = (list: readonly KubeObject[]) => list.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('IndexedStore', () => {
  it('lists a namespace, or all, in insertion order; a replaced object keeps its place', () => {
    const store = filled([object('a', '1'), object('b', '2'), object('a', '3')]);
    store.set('a/1', object('a', '1'));
    store.delete('b/2');
    store.set('b/2', object('b', '2'));
    expect(names(store.list('a'))).toEqual(['a/1', 'a/3']);
    expect(names(store.list())).toEqual(['a/1', 'a/3', 'b/2']);
    expect(names(store.list('none'))).toEqual([]);
  });

  it('shares one frozen list until a change in its namespace', () => {
    const store = filled([object('a', '1'), object('b', '2')]);
    const [a, b, all] = [store.list('a'), store.list('b'), store.list()];
    expect(Object.isFrozen(a)).toBe(true);
    expect([store.list('a'), store.list('b'), store.list()]).toEqual([a, b, all]);
    expect(store.list('a')).toBe(a);
    store.set('b/3', object('b', '3'));
    expect(store.list('a')).toBe(a);
    expect(store.list('b')).not.toBe(b);
    expect(store.list()).not.toBe(all);
    expect(names(store.list('b'))).toEqual(['b/2', 'b/3']);
    store.delete('a/1');
    expect(names(store.list('a'))).toEqual([]);
  });

  const cases: { name: string; owners: Partial<OwnerReference>[]; found: boolean }[] = [
    { name: 'controlled by the owner', owners: [{ uid: 'u1', controller: true }], found: true },
    { name: 'owner reference without controller field', owners: [{ uid: 'u1' }], found: true },
    { name: 'controlled by another owner', owners: [{ uid: 'u2', controller: true }], found: false },
    { name: 'not a controller reference', owners: [{ uid: 'u2', controller: false }], found: true },
    { name: 'no owner', owners: [], found: true },
  ];
  for (const c of cases) {
    it(`controlledOrOrphaned: ${c.name} → ${c.found ? 'a candidate' : 'left out'}`, () => {
      const store = filled([object('a', 'x', c.owners), object('b', 'other-namespace', c.owners)]);
      expect(names(store.controlledOrOrphaned('a', 'u1'))).toEqual(c.found ? ['a/x'] : []);
    });
  }

  it('controlledOrOrphaned follows changes of owner references and keeps store order', () => {
    const store = filled([
      object('a', '1', [{ uid: 'u1', controller: true }]),
      object('a', '2', [{ uid: 'u2', controller: true }]),
      object('a', '3', [{ uid: 'u1', controller: true }]),
    ]);
    store.set('a/2', object('a', '2', [{ uid: 'u1', controller: true }]));
    store.set('a/1', object('a', '1', [{ uid: 'u2', controller: true }]));
    expect(names(store.controlledOrOrphaned('a', 'u1'))).toEqual(['a/2', 'a/3']);
    store.delete('a/3');
    expect(names(store.controlledOrOrphaned('a', 'u1'))).toEqual(['a/2']);
    expect(names(store.controlledOrOrphaned('a', 'u2'))).toEqual(['a/1']);
  });

  it('byKeys follows every change of the keys its indexer gives, in store order', () => {
    const color = (o: KubeObject) => [`color:${o.metadata.labels?.['color'] ?? 'none'}`];
    const store = new IndexedStore<KubeObject>(color);
    const painted = (name: string, c: string): KubeObject => ({
      ...object('a', name),
      metadata: { namespace: 'a', name, labels: { color: c } },
    });
    for (const o of [painted('1', 'red'), painted('2', 'blue'), painted('3', 'red')])
      store.set(`a/${o.metadata.name}`, o);
    expect(names(store.byKeys(['color:red']))).toEqual(['a/1', 'a/3']);
    store.set('a/1', painted('1', 'blue'));
    expect(names(store.byKeys(['color:red']))).toEqual(['a/3']);
    expect(names(store.byKeys(['color:blue', 'color:red']))).toEqual(['a/1', 'a/2', 'a/3']);
    store.delete('a/2');
    expect(names(store.byKeys(['color:blue']))).toEqual(['a/1']);
    expect(new IndexedStore<KubeObject>().byKeys(['color:red'])).toEqual([]);
  });
});
