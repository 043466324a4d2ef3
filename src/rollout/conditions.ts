/** Rollout conditions and phase, with Argo's types, reasons and messages (§2.5). */
import type { Condition } from '../api/meta.js';
import type { RolloutPhase, RolloutStatus } from '../api/rollout.js';

export const REASON = {
  available: 'AvailableReason',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  replicaSetUpdated: 'ReplicaSetUpdated',
  paused: 'RolloutPaused',
  resumed: 'RolloutResumed',
  aborted: 'RolloutAborted',
  retry: 'RolloutRetry',
  timedOut: 'ProgressDeadlineExceeded',
  completed: 'RolloutCompleted',
  notCompleted: 'RolloutNotCompleted',
  healthy: 'RolloutHealthy',
  invalidSpec: 'InvalidSpec',
} as const;

export const MESSAGE = {
  available: 'Rollout has minimum availability',
  notAvailable: 'Rollout does not have minimum availability',
  paused: 'Rollout is paused',
  resumed: 'Rollout is resumed',
  retry: 'Retrying Rollout after abort',
  healthy: 'Rollout is healthy',
  notHealthy: 'Rollout is not healthy',
  created: (rs: string) => `Created new replica set "${rs}"`,
  progressing: (rs: string) => `ReplicaSet "${rs}" is progressing.`,
  progressed: (rs: string) => `ReplicaSet "${rs}" has successfully progressed.`,
  timedOut: (rs: string) => `ReplicaSet "${rs}" has timed out progressing.`,
  aborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
} as const;

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/**
 * Argo's SetRolloutCondition: no change when status and reason are unchanged; lastTransitionTime kept when only the
 * reason changes. Returns true when the condition was written.
 */
export function setCondition(
  status: RolloutStatus,
  next: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>,
  now: string,
): boolean {
  const conditions = status.conditions ?? [];
  const current = getCondition(conditions, next.type);
  if (current && current.status === next.status && current.reason === next.reason) return false;
  const written: Condition = { ...next, lastUpdateTime: now, lastTransitionTime: now };
  if (current && current.status === next.status && current.lastTransitionTime) {
    written.lastTransitionTime = current.lastTransitionTime;
  }
  status.conditions = [...conditions.filter((c) => c.type !== next.type), written];
  return true;
}

/** Replace a condition even when status and reason are unchanged (progress refreshes lastUpdateTime). */
export function refreshCondition(
  status: RolloutStatus,
  next: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>,
  now: string,
): void {
  const current = getCondition(status.conditions, next.type);
  const written: Condition = { ...next, lastUpdateTime: now, lastTransitionTime: now };
  if (current && current.status === next.status && current.lastTransitionTime) {
    written.lastTransitionTime = current.lastTransitionTime;
  }
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== next.type), written];
}

export interface PhaseInput {
  status: RolloutStatus;
  replicas: number;
  paused: boolean;
  trafficRouted: boolean;
  generationObserved: boolean;
}

/** Argo's CalculateRolloutPhase. */
export function computePhase(input: PhaseInput): { phase: RolloutPhase; message: string } {
  const { status } = input;
  for (const c of status.conditions ?? []) {
    if (c.type === REASON.invalidSpec)
      return { phase: 'Degraded', message: `InvalidSpec: ${c.message ?? ''}` };
    if (c.reason === REASON.aborted || c.reason === REASON.timedOut) {
      return { phase: 'Degraded', message: `${c.reason}: ${c.message ?? ''}` };
    }
  }
  if (input.paused) return { phase: 'Paused', message: 'manually paused' };
  // A step held because truesplit does not implement it (compat-hold.ts) waits like a pause, for `promote`.
  const held = getCondition(status.conditions, 'UnsupportedSpec');
  if (held?.status === 'True') return { phase: 'Paused', message: `${held.reason}: ${held.message ?? ''}` };
  const pause = status.pauseConditions?.[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  const updated = status.updatedReplicas ?? 0;
  if (updated < input.replicas) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < updated) {
    return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  }
  if (!input.trafficRouted && (status.replicas ?? 0) > updated) {
    return { phase: 'Progressing', message: 'old replicas are pending termination' };
  }
  if (!status.stableRS || status.stableRS !== status.currentPodHash) {
    return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  if (!input.generationObserved) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  return { phase: 'Healthy', message: '' };
}
