/**
 * observe: the read-only view of one Rollout and what it touches, read from the informer caches (never from the API
 * server), plus the reference index that routes ReplicaSet / Service / VirtualService / DestinationRule events back
 * to the Rollouts that use them.
 */
import type { DestinationRule, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import type { KindMap, KindName } from '../kube/cluster.js';
import { labelsMatch } from '../kube/selectors.js';
import { resolveVirtualServiceName, virtualServiceRefs } from '../traffic/istio/roles.js';

/** The part of an informer the reconciler reads. */
export interface CacheReader<K extends KindName> {
  get(namespace: string, name: string): KindMap[K] | undefined;
  /** `filter` runs on the shared cached objects before they are cloned (read only). */
  list(namespace?: string, filter?: (object: KindMap[K]) => boolean): KindMap[K][];
}

export interface ControllerCaches {
  rollouts: CacheReader<'Rollout'>;
  replicaSets: CacheReader<'ReplicaSet'>;
  services: CacheReader<'Service'>;
  virtualServices: CacheReader<'VirtualService'>;
  destinationRules: CacheReader<'DestinationRule'>;
}

export interface Observation {
  rollout: Rollout;
  replicaSets: ReplicaSet[];
  services: Service[];
  virtualServices: VirtualService[];
  destinationRule?: DestinationRule;
}

/** `Kind/namespace/name` of every Service, VirtualService and DestinationRule the Rollout names. */
export function referencedObjects(rollout: Rollout): string[] {
  const namespace = rollout.metadata.namespace ?? '';
  const canary = rollout.spec.strategy.canary;
  const services = [
    canary?.canaryService,
    canary?.stableService,
    canary?.pingPong?.pingService,
    canary?.pingPong?.pongService,
  ]
    .filter((name): name is string => typeof name === 'string' && name !== '')
    .map((name) => `Service/${namespace}/${name}`);
  const vss = virtualServiceRefs(rollout).map((ref) => {
    const target = resolveVirtualServiceName(ref.name, namespace);
    return `VirtualService/${target.namespace}/${target.name}`;
  });
  const dr = canary?.trafficRouting?.istio?.destinationRule?.name;
  return [...services, ...vss, ...(dr ? [`DestinationRule/${namespace}/${dr}`] : [])];
}

/** The Rollout's UID is the controller owner of the ReplicaSet. */
function ownedBy(rs: ReplicaSet, rollout: Rollout): boolean {
  return (rs.metadata.ownerReferences ?? []).some(
    (ref) => ref.controller === true && ref.kind === 'Rollout' && ref.uid === rollout.metadata.uid,
  );
}

/** No controller owner yet, and the Rollout's selector matches: Argo adopts such ReplicaSets. */
function adoptable(rs: ReplicaSet, rollout: Rollout): boolean {
  const hasController = (rs.metadata.ownerReferences ?? []).some((ref) => ref.controller === true);
  return (
    !hasController &&
    rollout.spec.selector !== undefined &&
    labelsMatch(rs.metadata.labels, rollout.spec.selector)
  );
}

function lookup<T extends KubeObject>(
  ref: string,
  read: (ns: string, name: string) => T | undefined,
): T | undefined {
  const [, namespace = '', name = ''] = ref.split('/');
  return read(namespace, name);
}

export function observeRollout(
  caches: ControllerCaches,
  namespace: string,
  name: string,
): Observation | undefined {
  const rollout = caches.rollouts.get(namespace, name);
  if (!rollout) return undefined;
  const replicaSets = caches.replicaSets.list(
    namespace,
    (rs) => ownedBy(rs, rollout) || adoptable(rs, rollout),
  );
  const refs = referencedObjects(rollout);
  const pick = <K extends 'Service' | 'VirtualService' | 'DestinationRule'>(kind: K, cache: CacheReader<K>) =>
    refs
      .filter((ref) => ref.startsWith(`${kind}/`))
      .map((ref) => lookup(ref, (ns, n) => cache.get(ns, n)))
      .filter((obj): obj is KindMap[K] => obj !== undefined);
  const destinationRule = pick('DestinationRule', caches.destinationRules)[0];
  return {
    rollout,
    replicaSets,
    services: pick('Service', caches.services),
    virtualServices: pick('VirtualService', caches.virtualServices),
    ...(destinationRule ? { destinationRule } : {}),
  };
}

/** Which Rollouts reference which objects, kept current from Rollout events. */
export class ReferenceIndex {
  private readonly byRollout = new Map<string, string[]>();
  private readonly byObject = new Map<string, Set<string>>();

  /** Records the references of `rollout` (key `namespace/name`), replacing the previous ones. */
  update(rolloutKey: string, rollout: Rollout | undefined): void {
    for (const ref of this.byRollout.get(rolloutKey) ?? []) this.byObject.get(ref)?.delete(rolloutKey);
    this.byRollout.delete(rolloutKey);
    if (!rollout) return;
    const refs = referencedObjects(rollout);
    this.byRollout.set(rolloutKey, refs);
    for (const ref of refs) {
      const keys = this.byObject.get(ref) ?? new Set<string>();
      keys.add(rolloutKey);
      this.byObject.set(ref, keys);
    }
  }

  /** Rollout keys referencing `Kind/namespace/name`. */
  rolloutsReferencing(objectRef: string): string[] {
    return [...(this.byObject.get(objectRef) ?? [])];
  }
}

/** The Rollout that controls a ReplicaSet, as a queue key. */
export function owningRolloutKey(rs: ReplicaSet): string | undefined {
  const owner = (rs.metadata.ownerReferences ?? []).find(
    (ref) => ref.controller === true && ref.kind === 'Rollout',
  );
  return owner ? `${rs.metadata.namespace ?? ''}/${owner.name}` : undefined;
}
