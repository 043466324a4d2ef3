import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.js';
import type { Rollout } from '../../api/rollout.js';
import type { ReplicaSet } from '../../api/workloads.js';

/**
 * Argo's guard for subset mode without canary/stable Services: the DestinationRule is not retargeted while a
 * scaled-up ReplicaSet carrying the canary or stable hash is not fully available. Returns the name of the
 * ReplicaSet to wait for (the planner puts it in `TrafficIntent.delayHashSwitch`), or undefined.
 *
 * `shiftingToStable` (abort, dynamic rollback to stable): the canary ReplicaSet is ignored, so a broken canary
 * never blocks moving traffic back.
 */
export function hashSwitchBlocker(
  rollout: Rollout,
  replicaSets: readonly ReplicaSet[],
  canaryHash: string,
  stableHash: string,
  shiftingToStable = false,
): string | undefined {
  const canary = rollout.spec.strategy.canary;
  if (canary?.canaryService || canary?.stableService) return undefined;
  for (const rs of replicaSets) {
    const desired = rs.spec.replicas ?? 1;
    if (desired === 0) continue;
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
    if (hash === '' || (hash !== canaryHash && hash !== stableHash)) continue;
    if (shiftingToStable && hash === canaryHash && hash !== stableHash) continue;
    if (!isFullyAvailable(rs, desired)) return rs.metadata.name;
  }
  return undefined;
}

function isFullyAvailable(rs: ReplicaSet, desired: number): boolean {
  const available = rs.status?.availableReplicas ?? 0;
  return available > 0 && available >= desired;
}
