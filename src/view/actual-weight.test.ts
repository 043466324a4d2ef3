import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { actualWeight } from './actual-weight.js';

function rollout(
  routed: boolean,
  status: RolloutStatus,
  steps = [{ setWeight: 20 }, { pause: {} }],
): Rollout {
  const canary = routed
    ? { steps, trafficRouting: { istio: { virtualService: { name: 'vs' } } } }
    : { steps };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'r' },
    spec: { strategy: { canary } },
    status,
  };
}

const weights = (canary: number) => ({
  canary: { weight: canary },
  stable: { weight: 100 - canary },
});

describe('actualWeight (Argo plugin ActualWeight)', () => {
  it.each([
    {
      name: 'fully promoted: 100',
      r: rollout(true, { currentStepIndex: 2, canary: { weights: weights(0) } }),
      want: 100,
    },
    { name: 'no steps: 100', r: rollout(false, { availableReplicas: 4 }, []), want: 100 },
    {
      name: 'no pod available: 0',
      r: rollout(true, { currentStepIndex: 1, canary: { weights: weights(20) } }),
      want: 0,
    },
    {
      name: 'routed: the recorded canary weight',
      r: rollout(true, { currentStepIndex: 1, availableReplicas: 5, canary: { weights: weights(17) } }),
      want: 17,
    },
    {
      name: 'routed, nothing recorded: the set weight',
      r: rollout(true, { currentStepIndex: 1, availableReplicas: 5 }),
      want: 20,
    },
    {
      name: 'basic canary: canary share of available pods, rounded down',
      r: rollout(false, { currentStepIndex: 1, availableReplicas: 3 }),
      want: 33,
    },
  ])('$name', ({ r, want }) => {
    expect(actualWeight(r, 20, 1)).toBe(want);
  });
});
