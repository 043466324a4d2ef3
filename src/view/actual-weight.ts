/** `kubectl argo rollouts get`'s ActualWeight, computed as Argo's plugin does (pkg/kubectl-argo-rollouts/info). Pure. */
import type { Rollout } from '../api/rollout.js';

/**
 * Max traffic weight (100) when there is no current step (no steps, or past the last one: fully promoted); otherwise
 * 0 while no pod is available; with a traffic router the recorded canary weight (else the set weight); without one
 * the canary's share of available pods, rounded down.
 */
export function actualWeight(rollout: Rollout, setWeight: number, canaryAvailable: number): number {
  const canary = rollout.spec.strategy.canary;
  const steps = canary?.steps ?? [];
  const index = rollout.status?.currentStepIndex ?? 0;
  const maxWeight = canary?.trafficRouting?.maxTrafficWeight ?? 100;
  if (steps.length === 0 || index >= steps.length) return maxWeight;
  const available = rollout.status?.availableReplicas ?? 0;
  if (available <= 0) return 0;
  if (!canary?.trafficRouting) return Math.floor((canaryAvailable * 100) / available);
  return rollout.status?.canary?.weights?.canary.weight ?? setWeight;
}
