/**
 * What Istio's telemetry is asked about for a Rollout's observed split (ADR 0310): whether there is a canary to
 * measure, the `destination_canonical_revision` that is the canary's, and the Services (`destination_service_name`)
 * whose requests are the Rollout's weighted traffic. The one rule the controller's telemetry poller and the CLI and
 * dashboard reading share. Pure: the callers look the DestinationRule and the ReplicaSets up and send the queries.
 */
import { CANONICAL_REVISION_LABEL, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet } from '../api/workloads.js';
import { parseServiceFqdn, resolveHost } from '../mesh/hosts.js';
import { userCanonicalRevision } from '../rollout/canonical-revision.js';
import { stableAndCanaryServices } from '../traffic/istio/roles.js';

/** A Service whose requests are counted, as Istio's labels name it. */
export interface ObservedService {
  service: string;
  namespace: string;
}

/** A canary to measure: its revision and the Services to ask about, or why telemetry cannot measure it. */
export type ObservedTarget =
  | { canaryHash: string; canaryRevision: string; services: ObservedService[] }
  | { canaryHash: string; problem: string };

/** What the rule reads besides the Rollout. */
export interface ObservedTargetSources {
  /** `spec.host` of the DestinationRule `name` in `namespace`; undefined when there is none. */
  destinationRuleHost: (namespace: string, name: string) => string | undefined;
  /** The Rollout's own ReplicaSets (the canonical revision each pod template carries). */
  replicaSets: readonly ReplicaSet[];
}

/**
 * The canary's pod-template hash while a canary is in progress with Istio routing: a current revision that is not
 * the stable one. Undefined otherwise: before a first stable revision, and once fully promoted, every request reaches
 * the one revision and Argo's canary weight is 0 (both Services or subsets select the same ReplicaSet).
 */
export function canaryInProgress(rollout: Rollout): string | undefined {
  if (!rollout.spec.strategy.canary?.trafficRouting?.istio) return undefined;
  const canary = rollout.status?.currentPodHash;
  const stable = rollout.status?.stableRS;
  return canary && stable && canary !== stable ? canary : undefined;
}

/** The Rollout's observed-split target; undefined when no canary is in progress (nothing to measure). */
export function observedTarget(rollout: Rollout, sources: ObservedTargetSources): ObservedTarget | undefined {
  const canaryHash = canaryInProgress(rollout);
  const stableHash = rollout.status?.stableRS;
  if (!canaryHash || !stableHash) return undefined;
  const revisionOf = (hash: string, fallback: string) => {
    const rs = sources.replicaSets.find((r) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
    return rs ? (rs.spec.template.metadata?.labels?.[CANONICAL_REVISION_LABEL] ?? hash) : fallback;
  };
  // A canary ReplicaSet not created yet will carry the Rollout template's own label, if the user set one.
  const canaryRevision = revisionOf(
    canaryHash,
    userCanonicalRevision(rollout.spec.template?.metadata?.labels) ?? canaryHash,
  );
  if (revisionOf(stableHash, stableHash) === canaryRevision) {
    return {
      canaryHash,
      problem:
        `canary and stable pods carry the same ${CANONICAL_REVISION_LABEL} "${canaryRevision}" (set on its pod ` +
        "template), so Istio's telemetry cannot tell them apart",
    };
  }
  const services = observedServices(rollout, sources.destinationRuleHost);
  if (services.length === 0) return { canaryHash, problem: 'no destination Service to measure' };
  return { canaryHash, canaryRevision, services };
}

/**
 * The Services of every route destination Argo's Istio router weighs (`traffic/istio/roles.ts`): in subset mode the
 * DestinationRule's host (its subsets), and in either mode `stableService`/`canaryService`, or the ping-pong pair when
 * neither is set. Hosts resolve as Istio resolves them; one that is no Service of the cluster (a wildcard, a
 * ServiceEntry, `name.namespace`) is not asked about. Each request carries one destination Service, so the
 * answers for several add up without counting a request twice.
 */
export function observedServices(
  rollout: Rollout,
  destinationRuleHost: ObservedTargetSources['destinationRuleHost'],
): ObservedService[] {
  const namespace = rollout.metadata.namespace ?? 'default';
  const ruleName = rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule?.name;
  const hosts = [
    ...(ruleName ? [destinationRuleHost(namespace, ruleName)] : []),
    ...stableAndCanaryServices(rollout),
  ];
  const services = new Map<string, ObservedService>();
  for (const host of hosts) {
    const parsed = host && !host.includes('*') ? parseServiceFqdn(resolveHost(host, namespace)) : undefined;
    if (parsed)
      services.set(`${parsed.namespace}/${parsed.name}`, {
        service: parsed.name,
        namespace: parsed.namespace,
      });
  }
  return [...services.values()];
}
