import { describe, expect, it } from 'vitest';
import { INVALID_SPEC_REQUEUE_MS } from '../../src/controller/reconcile.js';
import { EventRecorder } from '../../src/controller/events.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { flush, newCluster, NS } from '../kube/fixtures.js';
import { startHarness } from './harness.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

async function healthySubsetRollout() {
  const h = await startHarness();
  await h.cluster.create('Service', service('web'));
  await h.cluster.create('VirtualService', virtualService('subset'));
  await h.cluster.create('DestinationRule', destinationRule());
  await h.cluster.create('Rollout', subsetRollout('web:1'));
  await h.settle();
  return h;
}

describe('reconcile contract', () => {
  it('an invalid rollout gets the InvalidSpec condition, one Warning event, a 20 s requeue and no workload writes', async () => {
    const h = await startHarness();
    await h.cluster.create('Service', service('web'));
    await h.cluster.create('VirtualService', virtualService('subset'));
    await h.cluster.create('DestinationRule', destinationRule());
    await h.cluster.create('Rollout', subsetRollout('web:1', [{ setWeight: 150 }]));
    await flush();
    const outcome = await h.controller.processKey(`${NS}/web`);
    expect(outcome).toMatchObject({ kind: 'done', requeueAfterMs: INVALID_SPEC_REQUEUE_MS });
    const rollout = await h.rollout();
    const condition = rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    expect([condition?.status, rollout.status?.phase]).toEqual(['True', 'Degraded']);
    expect(condition?.message).toContain('spec.strategy.canary.steps[0].setWeight');
    expect(await h.replicaSets()).toEqual([]);
    const events = (await h.cluster.list('Event')).items;
    expect(events.map((e) => [e.type, e.reason, e.involvedObject.name])).toEqual([
      ['Warning', 'InvalidSpec', 'web'],
    ]);
    const writtenKinds = h.cluster.writes().map((w) => `${w.verb} ${w.kind}`);
    expect(
      writtenKinds.filter((w) => !/Namespace|Service|VirtualService|DestinationRule|Rollout|Event/.test(w)),
    ).toEqual([]);
    expect(writtenKinds).not.toContain('update VirtualService');
  });

  it('fixing an invalid spec removes the InvalidSpec condition and the rollout proceeds', async () => {
    const h = await startHarness();
    await h.cluster.create('Service', service('web'));
    await h.cluster.create('VirtualService', virtualService('subset'));
    await h.cluster.create('DestinationRule', destinationRule());
    await h.cluster.create('Rollout', subsetRollout('web:1', [{ setWeight: 150 }]));
    await h.settle();
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { strategy: { canary: { steps: [{ setWeight: 20 }] } } },
    });
    await h.settle();
    const rollout = await h.rollout();
    expect(rollout.status?.conditions?.some((c) => c.type === 'InvalidSpec')).toBe(false);
    expect([rollout.status?.phase, (await h.replicaSets()).length]).toEqual(['Healthy', 1]);
  });

  it('a converged rollout reconciles without writing anything', async () => {
    const h = await healthySubsetRollout();
    const before = h.cluster.writes().length;
    const outcome = await h.controller.processKey(`${NS}/web`);
    expect([outcome.kind, outcome.writes]).toEqual(['done', []]);
    expect(h.cluster.writes().length).toBe(before);
  });

  it.each([
    { name: '409 Conflict requeues with backoff', code: 409, kind: 'requeue', failures: 1 },
    {
      name: '409 AlreadyExists retries with backoff',
      code: 409,
      reason: 'AlreadyExists',
      kind: 'retry',
      failures: 1,
    },
    { name: '500 retries with backoff', code: 500, kind: 'retry', failures: 1 },
    { name: '404 NotFound is done', code: 404, kind: 'done', failures: 0 },
  ])('$name', async ({ code, reason, kind, failures }) => {
    const h = await healthySubsetRollout();
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await flush();
    let injected = false;
    h.cluster.faultInjector = (op) => {
      if (injected || op.verb !== 'create' || op.kind !== 'ReplicaSet') return undefined;
      injected = true;
      return KubeApiError.fromCode(code, 'injected', reason);
    };
    await h.controller.queue.get();
    h.controller.queue.done(`${NS}/web`);
    const outcome = await h.controller.processKey(`${NS}/web`);
    expect(outcome.kind).toBe(kind);
    expect(h.controller.queue.failureCount(`${NS}/web`)).toBe(failures);
    h.clock.advance(10);
    await h.settle();
    expect((await h.replicaSets()).length).toBe(2);
  });

  it('a deleted rollout is done; its ReplicaSets are garbage-collected', async () => {
    const h = await healthySubsetRollout();
    await h.cluster.delete('Rollout', NS, 'web');
    await flush();
    const outcome = await h.controller.processKey(`${NS}/web`);
    expect([outcome.kind, await h.replicaSets()]).toEqual(['done', []]);
  });

  it.each([
    {
      name: 'its ReplicaSet changes',
      touch: (h: Awaited<ReturnType<typeof healthySubsetRollout>>) =>
        h.replicaSets().then((rs) =>
          h.cluster.patch('ReplicaSet', NS, rs[0]!.metadata.name, {
            metadata: { labels: { touched: '1' } },
          }),
        ),
    },
    {
      name: 'its VirtualService changes',
      touch: (h: Awaited<ReturnType<typeof healthySubsetRollout>>) =>
        h.cluster.patch('VirtualService', NS, 'web-vs', { metadata: { labels: { touched: '1' } } }),
    },
    {
      name: 'its DestinationRule changes',
      touch: (h: Awaited<ReturnType<typeof healthySubsetRollout>>) =>
        h.cluster.patch('DestinationRule', NS, 'web-dr', { metadata: { labels: { touched: '1' } } }),
    },
  ])('enqueues the rollout when $name', async ({ touch }) => {
    const h = await healthySubsetRollout();
    await h.cluster.create('VirtualService', {
      ...virtualService('subset'),
      metadata: { name: 'unrelated', namespace: NS },
    });
    await flush();
    expect(h.controller.queue.depth()).toBe(0);
    await touch(h);
    await flush();
    expect([h.controller.queue.depth(), await h.controller.queue.get()]).toEqual([1, `${NS}/web`]);
  });
});

describe('EventRecorder', () => {
  it('deduplicates a repeated event into one Event with a count, and records a different one separately', async () => {
    const { cluster, clock } = await newCluster();
    const rollout = await cluster.create('Rollout', subsetRollout());
    const recorder = new EventRecorder(cluster, { clock });
    const paused = {
      type: 'Normal' as const,
      reason: 'RolloutPaused',
      message: 'Rollout is paused (CanaryPauseStep)',
    };
    await recorder.record(rollout, paused);
    clock.advance(5_000);
    await recorder.record(rollout, paused);
    await recorder.record(rollout, { ...paused, reason: 'RolloutResumed', message: 'Rollout is resumed' });
    await recorder.flush();
    const events = (await cluster.list('Event')).items.map((e) => [
      e.reason,
      e.count,
      e.firstTimestamp === e.lastTimestamp,
    ]);
    expect(events).toEqual([
      ['RolloutPaused', 2, false],
      ['RolloutResumed', 1, true],
    ]);
  });
});
