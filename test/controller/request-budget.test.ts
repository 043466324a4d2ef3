/**
 * The API requests one revision costs (ADR 0295), on bench:cluster's workload in miniature: a subset-canary Rollout of
 * 4 replicas through setWeight 25/50/75/100, driven by the real controller against the in-memory cluster. Every write
 * after the image change is counted by verb and kind, and the Events are read back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeEvent } from '../../src/kube/cluster.js';
import type { Operation } from '../../src/kube/memory-cluster.js';
import { NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

const WRITE_VERBS = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);

async function revisionTwo(): Promise<{
  h: Harness;
  writes: Operation[];
  eventsAfterFirstPass: KubeEvent[];
}> {
  const h = await startHarness();
  await h.cluster.create('Service', service('web'));
  await h.cluster.create('VirtualService', virtualService('subset'));
  await h.cluster.create('DestinationRule', destinationRule());
  const base = subsetRollout(
    'web:1',
    [25, 50, 75, 100].map((setWeight) => ({ setWeight })),
  );
  const canary = { ...base.spec.strategy.canary, scaleDownDelaySeconds: 1 };
  await h.cluster.create('Rollout', { ...base, spec: { ...base.spec, replicas: 4, strategy: { canary } } });
  await h.advance(15_000);
  const writes: Operation[] = [];
  h.cluster.faultInjector = (op) => {
    const simulated = op.kind === 'ReplicaSet' && op.verb === 'updateStatus';
    const edit = op.kind === 'Rollout' && op.verb === 'patch';
    if (WRITE_VERBS.has(op.verb) && !simulated && !edit) writes.push(op);
    return undefined;
  };
  await h.cluster.patch('Rollout', NS, 'web', {
    spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
  });
  await h.settle();
  const eventsAfterFirstPass = (await h.cluster.list('Event', { namespace: NS })).items;
  await h.advance(15_000);
  return { h, writes, eventsAfterFirstPass };
}

describe('requests of one revision through setWeight 25/50/75/100', () => {
  let run: Awaited<ReturnType<typeof revisionTwo>>;
  beforeAll(async () => {
    run = await revisionTwo();
  }, 120_000);

  const count = (verb: string, kind: string) =>
    run.writes.filter((w) => w.verb === verb && w.kind === kind).length;

  it.each([
    // reset; first step's scale; 4 steps; promotion; traffic back to stable; old revision scaled down
    { verb: 'updateStatus', kind: 'Rollout', expected: 9 },
    { verb: 'create', kind: 'ReplicaSet', expected: 1 },
    // canary 0→1→2→3→4, the old stable's scale-down deadline, its scale to 0
    { verb: 'patch', kind: 'ReplicaSet', expected: 6 },
    { verb: 'update', kind: 'VirtualService', expected: 5 },
    { verb: 'update', kind: 'DestinationRule', expected: 2 },
  ])('$verb $kind: $expected', ({ verb, kind, expected }) => {
    expect(count(verb, kind)).toBe(expected);
  });

  it('the passes that start the revision record their reasons at once, not as repeats of the last step', () => {
    // Before the flush period: only first occurrences are written. The old revision's last step recorded
    // UpdatedDestinationRule and TrafficWeightUpdated too; the new revision's first step must record its own.
    const written = run.eventsAfterFirstPass.map((e) => `${e.reason}: ${e.message}`);
    expect(written).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^NewReplicaSetCreated: Created ReplicaSet web-\w+ \(revision 2\)$/),
        expect.stringMatching(/^ScalingReplicaSet: Scaled up ReplicaSet web-\w+ \(revision 2\) from 0 to 1$/),
        expect.stringMatching(/^UpdatedDestinationRule: .*\(canary: (\w+), stable: (?!\1)\w+\)$/),
      ]),
    );
    const hashOnly = run.eventsAfterFirstPass.find((e) => e.message === 'Traffic weight updated');
    expect(hashOnly?.count).toBe(2);
    const combined = run.eventsAfterFirstPass.filter((e) => e.message?.startsWith('(combined'));
    expect(combined).toEqual([]);
  });
});
