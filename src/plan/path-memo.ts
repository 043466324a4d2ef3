/**
 * The traffic-path model evaluated only when one of its inputs changed (ADR 0240). The key of an evaluation is what
 * the model reads: the identity of every object of the mesh observation, which holds only what the Rollout's paths
 * can reach (ADR 0320), so a change elsewhere in its namespace keeps the entry (informer objects are frozen and
 * replaced, never changed in place, so a new object is a new identity; an object the pass's overlay rewrote is a new
 * object too), the namespaces where pods left out run without a sidecar, the Rollout's identity, generation (its
 * spec) and ping-pong role (its one status field the model reads), the weight and hashes judged, the tolerance and
 * whether fixes are rendered. One entry per Rollout: its last key and result. Bounded: the oldest entry goes first
 * past `limit`, and `forget` drops a deleted Rollout's entry.
 */
import type { KubeObject } from '../api/meta.js';
import type { RolloutAnalysis } from '../mesh/analyze.js';
import type { RolloutTrafficState } from '../mesh/snapshot.js';
import type { MeshObservation } from './observation.js';
import { directPathModel, type PathModel, type PathModelOptions } from './paths.js';

export const DEFAULT_MEMO_LIMIT = 10_000;

interface Entry {
  key: readonly (number | string)[];
  result: RolloutAnalysis;
}

/** A serial number per object identity: the key holds numbers, so it keeps no replaced object alive. */
class Identities {
  private readonly ids = new WeakMap<object, number>();
  private readonly lists = new WeakMap<readonly object[], readonly number[]>();
  private next = 1;

  of(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(object, id);
    }
    return id;
  }

  /** The numbers of a list's objects, once per list (informer lists are shared and frozen until a change). */
  ofList(list: readonly object[]): readonly number[] {
    let ids = this.lists.get(list);
    if (!ids) {
      ids = list.map((object) => this.of(object));
      if (Object.isFrozen(list)) this.lists.set(list, ids);
    }
    return ids;
  }
}

function sameKey(a: readonly (number | string)[], b: readonly (number | string)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface PathMemoStats {
  hits: number;
  misses: number;
}

export class PathModelMemo implements PathModel {
  private readonly entries = new Map<string, Entry>();
  private readonly identities = new Identities();
  readonly stats: PathMemoStats = { hits: 0, misses: 0 };

  constructor(
    private readonly model: PathModel = directPathModel,
    private readonly limit = DEFAULT_MEMO_LIMIT,
  ) {}

  analyze(mesh: MeshObservation, state: RolloutTrafficState, options: PathModelOptions): RolloutAnalysis {
    const owner = rolloutKey(state.rollout);
    const key = this.keyOf(mesh, state, options);
    const entry = this.entries.get(owner);
    if (entry && sameKey(entry.key, key)) {
      this.stats.hits++;
      return entry.result;
    }
    this.stats.misses++;
    const result = this.model.analyze(mesh, state, options);
    this.entries.delete(owner);
    this.entries.set(owner, { key, result });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }

  /** Drops the entry of a deleted Rollout (`namespace/name`). */
  forget(rolloutKeyOf: string): void {
    this.entries.delete(rolloutKeyOf);
  }

  get size(): number {
    return this.entries.size;
  }

  private keyOf(
    mesh: MeshObservation,
    state: RolloutTrafficState,
    options: PathModelOptions,
  ): (number | string)[] {
    const { rollout } = state;
    const generation = rollout.metadata.generation;
    const key: (number | string)[] = [
      rollout.metadata.uid ?? '',
      // Without a generation (objects not from an API server) the Rollout's identity stands for its spec.
      generation ?? `#${this.identities.of(rollout)}`,
      rollout.status?.canary?.stablePingPong ?? '',
      state.canaryWeight,
      state.canaryHash,
      state.stableHash,
      options.tolerance,
      options.fixes ? 1 : 0,
      mesh.rootNamespace,
      (mesh.sidecarlessPodNamespaces ?? []).join(' '),
    ];
    const lists: readonly (readonly KubeObject[])[] = [
      mesh.namespaces,
      mesh.services,
      mesh.virtualServices,
      mesh.destinationRules,
      mesh.gateways,
      mesh.sidecars,
      mesh.peerAuthentications,
      mesh.replicaSets,
    ];
    for (const list of lists) {
      key.push(-list.length); // a separator: the lists' boundaries are part of the key
      for (const id of this.identities.ofList(list)) key.push(id);
    }
    return key;
  }
}

function rolloutKey(rollout: RolloutTrafficState['rollout']): string {
  return `${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`;
}
