/**
 * The phase a live Rollout is in, as `kubectl argo rollouts` reports it: a status the controller has not written
 * for the current spec yet says nothing about it (ADR 0100).
 */
import type { Rollout, RolloutPhase } from '../../api/rollout.js';
import { computePhase } from '../../rollout/conditions.js';

export interface LivePhase {
  phase: RolloutPhase;
  message: string;
}

/** Argo's isGenerationObserved: a non-numeric observedGeneration (old controllers wrote a hash) counts as observed. */
export function generationObserved(rollout: Rollout): boolean {
  const observed = rollout.status?.observedGeneration;
  if (observed === undefined || !/^\d+$/.test(observed)) return observed !== undefined;
  return Number(observed) >= (rollout.metadata.generation ?? 0);
}

export function livePhase(rollout: Rollout): LivePhase {
  const status = rollout.status;
  if (!status || !generationObserved(rollout)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  if (status.phase) return { phase: status.phase, message: status.message ?? '' };
  return computePhase({
    status,
    replicas: rollout.spec.replicas ?? 1,
    paused: rollout.spec.paused === true,
    trafficRouted: rollout.spec.strategy.canary?.trafficRouting !== undefined,
    generationObserved: true,
  });
}

/** `Phase - message`, or the phase alone when there is no message. */
export function statusLine(phase: LivePhase): string {
  return phase.message ? `${phase.phase} - ${phase.message}` : phase.phase;
}

/**
 * Paused until a person acts: a manual pause, an indefinite pause step, an inconclusive analysis. A timed pause
 * step ends by itself, so `status -w` keeps waiting through it.
 */
export function waitsForPerson(rollout: Rollout): boolean {
  if (livePhase(rollout).phase !== 'Paused') return false;
  if (rollout.spec.paused) return true;
  const conditions = rollout.status?.pauseConditions ?? [];
  if (conditions.length === 0) return false;
  const index = rollout.status?.currentStepIndex ?? 0;
  const step = rollout.spec.strategy.canary?.steps?.[index];
  const timedPause = step?.pause?.duration !== undefined;
  return conditions.some((c) => c.reason !== 'CanaryPauseStep' || !timedPause);
}
