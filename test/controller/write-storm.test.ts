/**
 * Failures never turn into a tight request loop: a status write that keeps conflicting (the Rollout informer is
 * down and a user edited the Rollout) and a ReplicaSet create that keeps answering AlreadyExists (the canary
 * ReplicaSet lost its pod-template-hash label, so the filtered cache no longer shows it) both back off through the
 * rate limiter. The workers run for 20 s of clock time; the writes they send are counted.
 */
import { describe, expect, it } from 'vitest';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/labels.js';
import type { Operation } from '../../src/kube/memory-cluster.js';
import { flush, NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { destinationRule, service, subsetRollout, virtualService } from './scenarios.js';

const WINDOW_MS = 20_000;
const STEP_MS = 50;
/** The old behaviour wrote thousands of times; stop counting (and the workers) well before that. */
const WRITE_CAP = 2_000;
const WRITE_VERBS = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);

interface StormResult {
  writes: Operation[];
  perSecond: number;
  /** Clock time from the first to the last counted write. */
  spanMs: number;
}

/** Runs the controller's workers for WINDOW_MS of clock time and counts the writes they send (failed ones too). */
async function measureWrites(h: Harness): Promise<StormResult> {
  const writes: Operation[] = [];
  const times: number[] = [];
  h.cluster.faultInjector = (op) => {
    if (!WRITE_VERBS.has(op.verb) || op.kind === 'Event') return undefined;
    writes.push(op);
    times.push(h.clock.now());
    if (writes.length >= WRITE_CAP) h.controller.queue.shutdown();
    return undefined;
  };
  const workers = h.controller.run(2);
  h.controller.queue.add(`${NS}/web`);
  for (let t = 0; t < WINDOW_MS && !h.controller.queue.isShuttingDown(); t += STEP_MS) {
    h.clock.advance(STEP_MS);
    await flush();
  }
  h.controller.stop();
  await workers;
  const spanMs = times.length > 0 ? times[times.length - 1]! - times[0]! : 0;
  return { writes, perSecond: writes.length / (WINDOW_MS / 1000), spanMs };
}

function describeStorm(name: string, { writes, perSecond, spanMs }: StormResult): string {
  const capped = writes.length >= WRITE_CAP ? ` (capped; all within ${spanMs} ms of clock time)` : '';
  return `${name}: ${writes.length} writes in 20 s = ${perSecond} writes/s${capped}`;
}

async function subsetSetup(): Promise<Harness> {
  const h = await startHarness();
  await h.cluster.create('Service', service('web'));
  await h.cluster.create('VirtualService', virtualService('subset'));
  await h.cluster.create('DestinationRule', destinationRule());
  return h;
}

describe('write storms back off', () => {
  it('a status write that keeps conflicting (Rollout informer down, one user edit)', async () => {
    const h = await subsetSetup();
    await h.cluster.create('Rollout', subsetRollout('web:1'));
    await flush();
    h.controller.informers.rollouts.stop();
    await h.cluster.patch('Rollout', NS, 'web', { metadata: { labels: { edited: 'by-user' } } });
    const result = await measureWrites(h);
    const { writes, perSecond } = result;
    const statusWrites = writes.filter((w) => w.verb === 'updateStatus');
    console.log(describeStorm('status-conflict storm', result));
    expect(statusWrites.length).toBeGreaterThan(3);
    expect(perSecond).toBeLessThan(2);
  });

  it('a ReplicaSet create that keeps answering AlreadyExists (canary lost its pod-template-hash label)', async () => {
    const h = await subsetSetup();
    await h.cluster.create('Rollout', subsetRollout('web:1'));
    await h.settle();
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    await h.settle();
    const canary = (await h.replicaSets()).find((rs) =>
      rs.spec.template.spec?.containers?.some((c) => c.image === 'web:2'),
    );
    expect(canary).toBeDefined();
    await h.cluster.patch('ReplicaSet', NS, canary!.metadata.name, {
      metadata: { labels: { [POD_TEMPLATE_HASH_LABEL]: null } },
    });
    await flush();
    const result = await measureWrites(h);
    const { writes, perSecond } = result;
    const creates = writes.filter((w) => w.verb === 'create' && w.kind === 'ReplicaSet');
    console.log(describeStorm('AlreadyExists storm', result));
    expect(creates.length).toBeGreaterThan(3);
    expect(perSecond).toBeLessThan(2);
  });
});
