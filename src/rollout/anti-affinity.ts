/**
 * `antiAffinity` (Argo's GenerateReplicaSetAffinity, utils/replicaset): while an update is in progress (a stable
 * ReplicaSet exists and is not the new one), the new ReplicaSet's pod template gets a pod anti-affinity term against
 * the stable pods (`rollouts-pod-template-hash In [stable]`, the Rollout's namespace, topology
 * `kubernetes.io/hostname`): preferred with its weight, else required. As in Argo the pod-template hash is computed
 * from the Rollout's template before the term is added, and the term is ignored when templates are compared. Pure.
 */
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { PodTemplateSpec } from '../api/workloads.js';

interface PodAffinityTerm {
  labelSelector?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  namespaces?: string[];
  topologyKey: string;
}

interface PodAntiAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: PodAffinityTerm }[];
}

interface Affinity {
  podAntiAffinity?: PodAntiAffinity;
  [other: string]: unknown;
}

function strategyOf(rollout: Rollout): { preferred?: { weight: number }; required: boolean } | undefined {
  const anti = rollout.spec.strategy.canary?.antiAffinity;
  if (anti?.preferredDuringSchedulingIgnoredDuringExecution) {
    return {
      preferred: { weight: anti.preferredDuringSchedulingIgnoredDuringExecution.weight },
      required: false,
    };
  }
  return anti?.requiredDuringSchedulingIgnoredDuringExecution ? { required: true } : undefined;
}

/** The term Argo injects: keep off the nodes running the stable ReplicaSet's pods. */
export function injectedTerm(rollout: Rollout, stableHash: string): PodAffinityTerm {
  return {
    labelSelector: {
      matchExpressions: [{ key: POD_TEMPLATE_HASH_LABEL, operator: 'In', values: [stableHash] }],
    },
    namespaces: [rollout.metadata.namespace ?? 'default'],
    topologyKey: 'kubernetes.io/hostname',
  };
}

const isInjected = (term: PodAffinityTerm | undefined) =>
  (term?.labelSelector?.matchExpressions ?? []).some((e) => e.key === POD_TEMPLATE_HASH_LABEL);

/** The template's affinity with the term for `stableHash` (a term already injected is replaced). */
function withTerm(affinity: Affinity | undefined, rollout: Rollout, stableHash: string): Affinity {
  const strategy = strategyOf(rollout);
  const anti: PodAntiAffinity = { ...(withoutTerm(affinity)?.podAntiAffinity ?? {}) };
  const term = injectedTerm(rollout, stableHash);
  if (strategy?.preferred) {
    const weighted = { weight: strategy.preferred.weight, podAffinityTerm: term };
    anti.preferredDuringSchedulingIgnoredDuringExecution = [
      ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []),
      weighted,
    ];
  } else {
    anti.requiredDuringSchedulingIgnoredDuringExecution = [
      ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      term,
    ];
  }
  return { ...(affinity ?? {}), podAntiAffinity: anti };
}

/** The affinity without an injected term (Argo's RemoveInjectedAntiAffinityRule); undefined when nothing is left. */
export function withoutTerm(affinity: Affinity | undefined): Affinity | undefined {
  const anti = affinity?.podAntiAffinity;
  if (!affinity || !anti) return affinity;
  const required = (anti.requiredDuringSchedulingIgnoredDuringExecution ?? []).filter((t) => !isInjected(t));
  const preferred = (anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter(
    (t) => !isInjected(t.podAffinityTerm),
  );
  const rest: PodAntiAffinity = {
    ...anti,
    ...(required.length ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}),
    ...(preferred.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
  };
  if (!required.length) delete rest.requiredDuringSchedulingIgnoredDuringExecution;
  if (!preferred.length) delete rest.preferredDuringSchedulingIgnoredDuringExecution;
  const { podAntiAffinity: _dropped, ...others } = affinity;
  const result: Affinity = Object.keys(rest).length > 0 ? { ...others, podAntiAffinity: rest } : others;
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The new ReplicaSet's pod template for `hash`, with the term while `stableHash` is another ReplicaSet. */
export function templateWithAntiAffinity(
  rollout: Rollout,
  template: PodTemplateSpec,
  hash: string,
  stableHash: string | undefined,
): PodTemplateSpec {
  if (!strategyOf(rollout) || !stableHash || stableHash === hash) return template;
  const affinity = withTerm(template.spec?.affinity as Affinity | undefined, rollout, stableHash);
  return { ...template, spec: { ...(template.spec ?? {}), affinity } };
}

/** A pod template without the injected term (for comparing a ReplicaSet's template with the Rollout's). */
export function templateWithoutAntiAffinity(
  template: PodTemplateSpec | undefined,
): PodTemplateSpec | undefined {
  const affinity = template?.spec?.affinity as Affinity | undefined;
  if (!template || !affinity) return template;
  const spec = { ...(template.spec ?? {}) };
  const rest = withoutTerm(affinity);
  if (rest) spec.affinity = rest;
  else delete spec.affinity;
  return { ...template, spec };
}
