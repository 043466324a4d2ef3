import { describe, expect, it } from 'vitest';
import type { CanaryStrategy } from '../../src/api/rollout.js';
import {
  resolveCanaryConfig,
  resolveSurgeAndUnavailable,
  scaleIntOrPercent,
} from '../../src/rollout/defaults.js';
import { makeRollout } from './harness.js';

describe('scaleIntOrPercent', () => {
  it.each([
    { name: 'int', value: 3, total: 10, up: true, out: 3 },
    { name: 'percent rounds up', value: '25%', total: 10, up: true, out: 3 },
    { name: 'percent rounds down', value: '25%', total: 10, up: false, out: 2 },
    { name: 'legacy bare string is a percent', value: '25', total: 10, up: false, out: 2 },
    { name: 'garbage', value: 'x', total: 10, up: true, out: undefined },
  ])('$name', ({ value, total, up, out }) => expect(scaleIntOrPercent(value, total, up)).toBe(out));
});

describe('resolveSurgeAndUnavailable', () => {
  it.each([
    { name: 'defaults 25%/25% of 10', canary: {}, replicas: 10, out: [3, 2] },
    { name: 'defaults of 1', canary: {}, replicas: 1, out: [1, 0] },
    {
      name: 'both zero ⇒ unavailable 1',
      canary: { maxSurge: 0, maxUnavailable: 0 },
      replicas: 10,
      out: [0, 1],
    },
    { name: 'explicit', canary: { maxSurge: '50%', maxUnavailable: 1 }, replicas: 4, out: [2, 1] },
  ])('$name', ({ canary, replicas, out }) => {
    expect(resolveSurgeAndUnavailable(canary as CanaryStrategy, replicas)).toEqual(out);
  });
});

describe('resolveCanaryConfig', () => {
  it('applies the documented defaults', () => {
    const rollout = makeRollout();
    delete rollout.spec.replicas;
    const cfg = resolveCanaryConfig(rollout);
    expect(cfg).toMatchObject({
      replicas: 1,
      trafficRouted: true,
      scaleDownDelaySeconds: 30,
      abortScaleDown: { kind: 'delay', seconds: 30 },
      progressDeadlineSeconds: 600,
      maxTrafficWeight: 100,
      revisionHistoryLimit: 10,
      dynamicStableScale: false,
      minPodsPerReplicaSet: 0,
    });
  });

  it.each([
    { name: 'basic canary rolls back', traffic: 'none' as const, canary: {}, kind: 'rolling' },
    {
      name: 'explicit 0 keeps the canary',
      traffic: 'host' as const,
      canary: { abortScaleDownDelaySeconds: 0 },
      kind: 'never',
    },
    {
      name: 'dynamic without delay drains',
      traffic: 'host' as const,
      canary: { dynamicStableScale: true },
      kind: 'progressive',
    },
  ])('abort scale-down: $name', ({ traffic, canary, kind }) => {
    expect(resolveCanaryConfig(makeRollout({ traffic, canary })).abortScaleDown.kind).toBe(kind);
  });

  it('never throws on odd input', () => {
    const odd = { kind: 'Rollout', metadata: { name: 'x' }, spec: { replicas: -3, strategy: {} } } as never;
    expect(resolveCanaryConfig(odd)).toMatchObject({ replicas: 1, steps: [], trafficRouted: false });
  });
});
