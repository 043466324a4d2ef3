/**
 * PathModelMemo: the model runs again exactly when one of its inputs changed — a new object in any list of the mesh
 * observation, the Rollout's spec (generation) or ping-pong role, the weight, a hash, the tolerance, fixes, the root
 * namespace — and a hit returns what the model would have returned.
 */
import { describe, expect, it } from 'vitest';
import type { PeerAuthentication, Sidecar } from '../../src/api/istio.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import type { RolloutAnalysis } from '../../src/mesh/analyze.js';
import type { RolloutTrafficState } from '../../src/mesh/snapshot.js';
import { meshObservationOf, meshSourceOf } from '../../src/plan/mesh-observation.js';
import type { MeshObservation } from '../../src/plan/observation.js';
import { PathModelMemo } from '../../src/plan/path-memo.js';
import { directPathModel, type PathModel, type PathModelOptions } from '../../src/plan/paths.js';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT as NAME, demoObjects } from '../../src/sandbox/demo.js';

const POD_LABELS = { app: NAME, 'rollouts-pod-template-hash': 'abc' };

/** What the demo lacks for every list to be non-empty: a ReplicaSet with ready pods, a Sidecar, a PeerAuthentication. */
const REPLICA_SET: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: `${NAME}-abc`, namespace: NS, labels: POD_LABELS },
  spec: {
    replicas: 2,
    selector: { matchLabels: POD_LABELS },
    template: { metadata: { labels: POD_LABELS } },
  },
  status: { replicas: 2, readyReplicas: 2 },
};
const SIDECAR: Sidecar = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: 'default', namespace: NS },
  spec: {},
};
const PEER_AUTHENTICATION: PeerAuthentication = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: NS },
  spec: { mtls: { mode: 'STRICT' } },
};
const EXTRA: KubeObject[] = [REPLICA_SET, SIDECAR, PEER_AUTHENTICATION];

function fixture(): { mesh: MeshObservation; state: RolloutTrafficState } {
  const objects = [...demoObjects().map((o) => o.object as KubeObject), ...EXTRA];
  const rollout = objects.find((o) => o.kind === 'Rollout') as Rollout;
  rollout.metadata = { ...rollout.metadata, uid: 'uid-1', generation: 1 };
  const mesh = meshObservationOf(meshSourceOf(objects), rollout);
  return { mesh, state: { rollout, canaryWeight: 25, canaryHash: 'abc', stableHash: 'def' } };
}

function counting(): { model: PathModel; calls: () => number } {
  let calls = 0;
  return {
    model: { analyze: (...args) => (calls++, directPathModel.analyze(...args)) },
    calls: () => calls,
  };
}

const OPTIONS: PathModelOptions = { tolerance: 0.02, fixes: false };

/** `list` with its first object replaced by a copy: same content, another object (a newer informer version). */
function renewed<T extends object>(list: readonly T[]): T[] {
  expect(list.length).toBeGreaterThan(0);
  return list.map((o, i) => (i === 0 ? { ...o } : o));
}

type Change = (input: {
  mesh: MeshObservation;
  state: RolloutTrafficState;
  options: PathModelOptions;
}) => void;

const withRollout =
  (f: (r: Rollout) => Rollout): Change =>
  (i) =>
    void (i.state = { ...i.state, rollout: f(i.state.rollout) });

const CHANGES: [string, Change][] = [
  ['a Namespace', (i) => void (i.mesh = { ...i.mesh, namespaces: renewed(i.mesh.namespaces) })],
  ['a Service', (i) => void (i.mesh = { ...i.mesh, services: renewed(i.mesh.services) })],
  [
    'a VirtualService',
    (i) => void (i.mesh = { ...i.mesh, virtualServices: renewed(i.mesh.virtualServices) }),
  ],
  [
    'a DestinationRule',
    (i) => void (i.mesh = { ...i.mesh, destinationRules: renewed(i.mesh.destinationRules) }),
  ],
  ['a Gateway', (i) => void (i.mesh = { ...i.mesh, gateways: renewed(i.mesh.gateways) })],
  ['a Sidecar', (i) => void (i.mesh = { ...i.mesh, sidecars: renewed(i.mesh.sidecars) })],
  [
    'a PeerAuthentication',
    (i) => void (i.mesh = { ...i.mesh, peerAuthentications: renewed(i.mesh.peerAuthentications) }),
  ],
  ['a ReplicaSet', (i) => void (i.mesh = { ...i.mesh, replicaSets: renewed(i.mesh.replicaSets) })],
  ['one object fewer', (i) => void (i.mesh = { ...i.mesh, services: i.mesh.services.slice(1) })],
  [
    'an object moved to the next list',
    (i) =>
      void (i.mesh = {
        ...i.mesh,
        virtualServices: [...i.mesh.virtualServices, ...i.mesh.destinationRules] as never,
        destinationRules: [],
      }),
  ],
  ['the root namespace', (i) => void (i.mesh = { ...i.mesh, rootNamespace: 'istio-config' })],
  ['the weight', (i) => void (i.state = { ...i.state, canaryWeight: 50 })],
  ['the canary hash', (i) => void (i.state = { ...i.state, canaryHash: 'xyz' })],
  ['the stable hash', (i) => void (i.state = { ...i.state, stableHash: 'xyz' })],
  ['the tolerance', (i) => void (i.options = { ...i.options, tolerance: 0.05 })],
  ['fixes', (i) => void (i.options = { ...i.options, fixes: true })],
  [
    "the Rollout's spec (generation)",
    withRollout((r) => ({ ...r, metadata: { ...r.metadata, generation: 2 } })),
  ],
  [
    'another Rollout of that name (uid)',
    withRollout((r) => ({ ...r, metadata: { ...r.metadata, uid: 'uid-2' } })),
  ],
  [
    "the Rollout's ping-pong role",
    withRollout((r) => ({ ...r, status: { ...r.status, canary: { stablePingPong: 'pong' } } })),
  ],
];

describe('PathModelMemo', () => {
  it('evaluates once while the inputs stay the same, even when the Rollout object (its status) is new', () => {
    const { mesh, state } = fixture();
    const { model, calls } = counting();
    const memo = new PathModelMemo(model);
    const first = memo.analyze(mesh, state, OPTIONS);
    const newStatus = { ...state.rollout, status: { ...state.rollout.status, observedGeneration: '7' } };
    const again = memo.analyze({ ...mesh }, { ...state, rollout: newStatus }, { ...OPTIONS });
    expect(calls()).toBe(1);
    expect(again).toBe(first);
    expect(memo.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('returns on a hit what the model returns', () => {
    const { mesh, state } = fixture();
    const memo = new PathModelMemo();
    memo.analyze(mesh, state, OPTIONS);
    const hit: RolloutAnalysis = memo.analyze(mesh, state, OPTIONS);
    expect(hit.paths.length).toBeGreaterThan(0);
    expect(hit).toEqual(directPathModel.analyze(mesh, state, OPTIONS));
  });

  it.each(CHANGES)('evaluates again when %s changed', (_name, change) => {
    const { mesh, state } = fixture();
    const { model, calls } = counting();
    const memo = new PathModelMemo(model);
    memo.analyze(mesh, state, OPTIONS);
    const input = { mesh, state, options: OPTIONS };
    change(input);
    memo.analyze(input.mesh, input.state, input.options);
    expect(calls()).toBe(2);
    memo.analyze(input.mesh, input.state, input.options);
    expect(calls()).toBe(2);
  });

  it('forgets a deleted Rollout and keeps at most `limit` Rollouts, the oldest going first', () => {
    const { mesh, state } = fixture();
    const { model, calls } = counting();
    const memo = new PathModelMemo(model, 2);
    const named = (name: string): RolloutTrafficState => ({
      ...state,
      rollout: { ...state.rollout, metadata: { ...state.rollout.metadata, name } },
    });
    for (const name of ['a', 'b', 'c']) memo.analyze(mesh, named(name), OPTIONS);
    expect(memo.size).toBe(2);
    memo.analyze(mesh, named('c'), OPTIONS);
    expect(calls()).toBe(3);
    memo.analyze(mesh, named('a'), OPTIONS);
    expect(calls()).toBe(4);
    memo.forget(`${NS}/a`);
    memo.analyze(mesh, named('a'), OPTIONS);
    expect(calls()).toBe(5);
    expect(memo.size).toBe(2);
  });
});

/** Another application of the demo's namespace: its Service, VirtualService and ReplicaSet (sidecar or not). */
function neighbour(sidecar: boolean): KubeObject[] {
  const labels = { app: 'other', 'rollouts-pod-template-hash': 'o1' };
  const metadata = sidecar ? { labels } : { labels, annotations: { 'sidecar.istio.io/inject': 'false' } };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'other', namespace: NS },
      spec: { selector: { app: 'other' } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'other', namespace: NS },
      spec: { hosts: ['other'], http: [{ route: [{ destination: { host: 'other' } }] }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'other-o1', namespace: NS, labels },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata } },
      status: { replicas: 1, readyReplicas: 1 },
    },
  ] as unknown as KubeObject[];
}

describe('PathModelMemo over the reach (ADR 0320)', () => {
  const observe = (objects: KubeObject[], rollout: Rollout) =>
    meshObservationOf(meshSourceOf(objects), rollout);

  it.each([
    { name: 'another application of the namespace changes', sidecar: [true, true], calls: 1 },
    { name: 'another application starts running pods without a sidecar', sidecar: [true, false], calls: 2 },
  ])('evaluates again only when what the paths reach changed: $name', ({ sidecar, calls: expected }) => {
    const { state } = fixture();
    const base = [...demoObjects().map((o) => o.object as KubeObject), ...EXTRA];
    const { model, calls } = counting();
    const memo = new PathModelMemo(model);
    memo.analyze(observe([...base, ...neighbour(sidecar[0]!)], state.rollout), state, OPTIONS);
    const after = observe([...base, ...neighbour(sidecar[1]!)], state.rollout);
    const result = memo.analyze(after, state, OPTIONS);
    expect(calls()).toBe(expected);
    expect(result).toEqual(directPathModel.analyze(after, state, OPTIONS));
  });
});
