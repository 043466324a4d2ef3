/** Pure helpers of the workload simulator: the Pod a ReplicaSet creates, its status, which pods go first. */
import type { Condition } from '../api/meta.js';
import type { Pod, ReplicaSet } from '../api/workloads.js';
import { isPodReady } from '../api/workloads.js';
import type { NewObject } from '../kube/cluster.js';
import { labelsMatch } from '../kube/selectors.js';
import type { Rng } from './request-simulator.js';
import { formatTime } from '../util/time.js';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character name suffix from the Kubernetes "safe" alphabet, as the ReplicaSet controller generates. */
export function podNameSuffix(rng: Rng): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[Math.floor(rng() * SUFFIX_ALPHABET.length)];
  return suffix;
}

export function newPod(rs: ReplicaSet, rng: Rng): NewObject<Pod> {
  const template = rs.spec.template;
  const { namespace = '', name, uid = '' } = rs.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-${podNameSuffix(rng)}`,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      nodeName: 'sandbox-node',
      containers: (template.spec?.containers ?? []).map((c) => ({
        name: c.name,
        ...(c.image ? { image: c.image } : {}),
      })),
    },
  };
}

/** A stable fake pod IP in 10.244.0.0/16 derived from the pod name (FNV-1a). */
export function podIpFor(name: string): string {
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `10.244.${(hash >>> 8) % 256}.${(hash % 253) + 2}`;
}

export function podStatus(
  phase: string,
  ready: boolean,
  now: number,
  podIP?: string,
): NonNullable<Pod['status']> {
  const at = formatTime(now);
  const condition: Condition = {
    type: 'Ready',
    status: ready ? 'True' : 'False',
    lastTransitionTime: at,
    ...(ready ? {} : { reason: phase === 'Pending' ? 'ContainersNotReady' : 'CrashLoopBackOff' }),
  };
  return { phase, conditions: [condition], ...(podIP ? { podIP } : {}) };
}

/** Pods the ReplicaSet controls (controller ownerReference by uid, or by name when uid is absent) and selects. */
export function selectOwnedPods(rs: ReplicaSet, pods: readonly Pod[]): Pod[] {
  return pods.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === 'ReplicaSet');
    if (!owner) return false;
    const sameOwner = rs.metadata.uid ? owner.uid === rs.metadata.uid : owner.name === rs.metadata.name;
    return sameOwner && labelsMatch(pod.metadata.labels, rs.spec.selector);
  });
}

/** Which pods to delete when scaling down: not-ready first, then the newest (the ReplicaSet controller's order). */
export function surplusPods(pods: readonly Pod[], count: number): Pod[] {
  const ranked = [...pods].sort((a, b) => {
    const readiness = Number(isPodReady(a)) - Number(isPodReady(b));
    if (readiness !== 0) return readiness;
    const age = (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
    return age !== 0 ? age : b.metadata.name.localeCompare(a.metadata.name);
  });
  return ranked.slice(0, count);
}
