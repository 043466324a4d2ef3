import { describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../../src/api/analysis.js';
import type { Rollout } from '../../src/api/rollout.js';
import { COMBINED_PREFIX, EventRecorder } from '../../src/controller/events.js';
import type { RolloutEvent } from '../../src/rollout/plan-types.js';
import { newCluster } from '../kube/fixtures.js';
import { subsetRollout } from './scenarios.js';

const scaled = (from: number, to: number): RolloutEvent => ({
  type: 'Normal',
  reason: 'ScalingReplicaSet',
  message: `Scaled up ReplicaSet web-abc (revision 2) from ${from} to ${to}`,
});
const weight: RolloutEvent = {
  type: 'Normal',
  reason: 'TrafficWeightUpdated',
  message: 'Traffic weight updated from 0 to 25',
};

/** The Rollout as observed at step `index` of revision `hash`. */
function atStep(rollout: Rollout, index: number, hash = 'abc'): Rollout {
  return { ...rollout, status: { ...rollout.status, currentPodHash: hash, currentStepIndex: index } };
}

async function recorderOn(options: { burst?: number; flushMs?: number } = {}) {
  const { cluster, clock } = await newCluster();
  const rollout = await cluster.create('Rollout', subsetRollout());
  const recorder = new EventRecorder(cluster, { clock, ...options });
  const eventWrites = () => cluster.writes().filter((w) => w.kind === 'Event').length;
  const events = async () =>
    (await cluster.list('Event')).items
      .map((e) => [e.reason, e.message, e.count] as const)
      .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
  return { cluster, clock, rollout, recorder, eventWrites, events };
}

describe('EventRecorder aggregation', () => {
  it.each([
    {
      name: 'a repeat in the same step adds to the count of one Event, written once per flush',
      occurrences: (r: Rollout) => [1, 2, 3, 4, 5].map(() => [atStep(r, 1), weight] as const),
      writesBeforeFlush: 1,
      writesAfterFlush: 2,
      want: [['TrafficWeightUpdated', weight.message, 5]],
    },
    {
      name: 'other messages of a reason in the same step go to one combined Event with the latest message',
      occurrences: (r: Rollout) =>
        [scaled(1, 2), scaled(2, 3), scaled(3, 4)].map((e) => [atStep(r, 1), e] as const),
      writesBeforeFlush: 1,
      writesAfterFlush: 2,
      want: [
        ['ScalingReplicaSet', `${COMBINED_PREFIX}${scaled(3, 4).message}`, 2],
        ['ScalingReplicaSet', scaled(1, 2).message, 1],
      ],
    },
    {
      name: 'the first occurrence of a reason in each step is written at once',
      occurrences: (r: Rollout) => [0, 1, 2].map((i) => [atStep(r, i), scaled(i + 1, i + 2)] as const),
      writesBeforeFlush: 3,
      writesAfterFlush: 3,
      want: [0, 1, 2].map((i) => ['ScalingReplicaSet', scaled(i + 1, i + 2).message, 1]),
    },
    {
      name: 'the same step index of a new revision is another step',
      occurrences: (r: Rollout) =>
        [atStep(r, 1, 'abc'), atStep(r, 1, 'def')].map((o) => [o, weight] as const),
      writesBeforeFlush: 2,
      writesAfterFlush: 2,
      want: [['TrafficWeightUpdated', weight.message, 2]],
    },
  ])('$name', async ({ occurrences, writesBeforeFlush, writesAfterFlush, want }) => {
    const { clock, rollout, recorder, eventWrites, events } = await recorderOn();
    for (const [observed, event] of occurrences(rollout)) {
      await recorder.record(observed, event);
      clock.advance(100);
    }
    expect(eventWrites()).toBe(writesBeforeFlush);
    await recorder.flush();
    expect(eventWrites()).toBe(writesAfterFlush);
    expect(await events()).toEqual(want);
  });

  it('flushes deferred occurrences on its own after flushMs, within the per-Rollout burst', async () => {
    const { clock, rollout, recorder, eventWrites, events } = await recorderOn({ burst: 1, flushMs: 1_000 });
    const reasons = ['A', 'B'].map((reason) => ({ ...weight, reason }));
    for (const event of [...reasons, ...reasons]) await recorder.record(atStep(rollout, 1), event);
    expect([eventWrites(), recorder.pendingCount()]).toEqual([2, 2]);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([eventWrites(), recorder.pendingCount()]).toEqual([3, 1]);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([eventWrites(), recorder.pendingCount()]).toEqual([4, 0]);
    expect((await events()).map(([reason, , count]) => [reason, count])).toEqual([
      ['A', 2],
      ['B', 2],
    ]);
  });

  it("writes each metric's and the run's Event on an AnalysisRun at once, none combined", async () => {
    const { cluster, clock } = await newCluster();
    const run = await cluster.create('AnalysisRun', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'web-abc-2-1', namespace: 'shop' },
      spec: { metrics: [] },
    });
    const recorder = new EventRecorder<AnalysisRun>(cluster, { clock });
    const completed = (metric: string): RolloutEvent => ({
      type: 'Normal',
      reason: 'MetricSuccessful',
      message: `Metric '${metric}' Completed. Result: Successful`,
    });
    for (const event of [completed('error-rate'), completed('latency')]) await recorder.record(run, event);
    expect(recorder.pendingCount()).toBe(0);
    const events = (await cluster.list('Event')).items.map((e) => [e.reason, e.message, e.count]);
    expect(events.sort()).toEqual([
      ['MetricSuccessful', completed('error-rate').message, 1],
      ['MetricSuccessful', completed('latency').message, 1],
    ]);
  });
});
