/**
 * The Rollout's pods, for `restartAt` and ephemeral metadata only: listed from the API server by the Rollout's
 * selector while a restart is due or while `canaryMetadata`/`stableMetadata` is set (as Argo's pod restarter and
 * ephemeral-metadata sync do), never cached — a Pod informer would grow with every pod of the cluster for fields
 * most Rollouts never set (ADR 0170, 0171). Ownership by the Rollout's ReplicaSets is checked by the pure pass.
 */
import type { Pod } from '../api/workloads.js';
import type { Cluster } from '../kube/cluster.js';
import type { Observation } from '../plan/observation.js';
import { hasEphemeralMetadata } from '../rollout/ephemeral-metadata.js';
import { needsRestart } from '../rollout/restart.js';

export async function withRestartPods(
  cluster: Cluster,
  observation: Observation,
  now: number,
): Promise<Observation> {
  const { rollout } = observation;
  const selector = rollout.spec.selector;
  if (!selector || !(needsRestart(rollout, now) || hasEphemeralMetadata(rollout))) return observation;
  const namespace = rollout.metadata.namespace ?? 'default';
  const pods: Pod[] = (await cluster.list('Pod', { namespace, labelSelector: selector })).items;
  return { ...observation, pods };
}
