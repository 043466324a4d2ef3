/** One patch per ReplicaSet and pass (ADR 0295): the planner's annotation and scale actions for one ReplicaSet merge. */
import { describe, expect, it } from 'vitest';
import { mergeReplicaSetPatches } from '../../src/rollout/plan-output.js';
import type { WorkloadAction } from '../../src/rollout/plan-types.js';

const annotate = (name: string, annotations: Record<string, string | null>): WorkloadAction => ({
  type: 'annotateReplicaSet',
  name,
  annotations,
});
const scale = (
  name: string,
  replicas: number,
  annotations?: Record<string, string | null>,
): WorkloadAction =>
  annotations
    ? { type: 'scaleReplicaSet', name, replicas, annotations }
    : { type: 'scaleReplicaSet', name, replicas };

describe('mergeReplicaSetPatches', () => {
  it.each<{ name: string; actions: WorkloadAction[]; expected: WorkloadAction[] }>([
    {
      name: 'revision raised, then scaled: one scale carrying the annotation',
      actions: [annotate('a', { revision: '3' }), scale('a', 2)],
      expected: [scale('a', 2, { revision: '3' })],
    },
    {
      name: 'the scale keeps its place after another ReplicaSet’s scale-down',
      actions: [annotate('a', { revision: '3' }), scale('b', 0), scale('a', 2)],
      expected: [scale('b', 0), scale('a', 2, { revision: '3' })],
    },
    {
      name: 'a later value wins, key by key',
      actions: [scale('a', 1, { x: '1', y: '1' }), annotate('a', { y: null })],
      expected: [scale('a', 1, { x: '1', y: null })],
    },
    {
      name: 'two annotations: one annotation patch',
      actions: [annotate('a', { x: '1' }), annotate('a', { z: '2' })],
      expected: [annotate('a', { x: '1', z: '2' })],
    },
    {
      name: 'different ReplicaSets and other actions untouched',
      actions: [
        { type: 'switchService', name: 'svc', hash: 'h' },
        scale('a', 1),
        annotate('b', { x: '1' }),
        { type: 'deleteReplicaSet', name: 'c' },
      ],
      expected: [
        { type: 'switchService', name: 'svc', hash: 'h' },
        scale('a', 1),
        annotate('b', { x: '1' }),
        { type: 'deleteReplicaSet', name: 'c' },
      ],
    },
  ])('$name', ({ actions, expected }) => {
    expect(mergeReplicaSetPatches(actions)).toEqual(expected);
  });
});
