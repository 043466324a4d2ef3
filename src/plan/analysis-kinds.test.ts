import { describe, expect, it } from 'vitest';
import type { Rollout } from '../api/rollout.js';
import { analysisKindErrors } from './analysis-kinds.js';

function rollout(withAnalysis: boolean): Rollout {
  const steps = [
    { setWeight: 10 },
    ...(withAnalysis ? [{ analysis: { templates: [{ templateName: 'rate' }] } }] : []),
  ];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { strategy: { canary: { steps } } },
  };
}

describe('analysisKindErrors', () => {
  const missing = (resource: string) => ({
    unavailable: [{ resource, reason: 'not-found' as const }],
    runs: [],
    templates: [],
  });
  it.each([
    { resource: 'analysisruns.argoproj.io', r: rollout(true), count: 1 },
    { resource: 'clusteranalysistemplates.argoproj.io', r: rollout(true), count: 0 },
    { resource: 'analysisruns.argoproj.io', r: rollout(false), count: 0 },
  ])('$resource missing: $count error(s)', ({ resource, r, count }) => {
    expect(analysisKindErrors(r, missing(resource))).toHaveLength(count);
  });
});
