/**
 * The propagation wait (ADR 0275) on the real control plane. istiod is not running there, so e2e plays its status
 * writer (support/istiod-status.ts): each VirtualService generation is reported Reconciled 2.5 s after it appears.
 * Shown: a weight step does not complete, and the old stable is not scaled down, before istiod's status reports the
 * routing that moved traffic; the wait is in the TrafficPropagated condition and `truesplit_propagation_seconds`;
 * a report that never comes ends in a warning after `truesplit.io/propagation-timeout`; without status tracking the
 * Rollout goes on at once, "propagation not observable".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { HASH_LABEL, replicaSetOf, waitForApp } from './support/app-state.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { hostCanary } from './support/fixtures.ts';
import { IstiodStatusWriter } from './support/istiod-status.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'propagation';
const REPORT_DELAY_MS = 2_500;
let env: E2eEnvironment;
let controller: ControllerProcess;
const writers: IstiodStatusWriter[] = [];

function refs(name: string): AppRefs {
  return { namespace: ns, name, services: [`${name}-stable`, `${name}-canary`] };
}

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  controller = await env.startController('controller');
});

afterAll(async () => {
  await Promise.all(writers.map((w) => w.stop()));
  await env?.stop();
});

/** `truesplit_propagation_seconds_{count,sum}` of one Rollout and outcome. */
async function propagationSeries(name: string, outcome: string): Promise<{ count: number; sum: number }> {
  const text = await controller.metricsText();
  const pick = (suffix: string): number => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`truesplit_propagation_seconds_${suffix}{`) &&
          l.includes(`rollout="${name}"`) &&
          l.includes('signal="istio-status"') &&
          l.includes(`outcome="${outcome}"`),
      );
    return line ? Number(line.split(' ').pop()) : 0;
  };
  return { count: pick('count'), sum: pick('sum') };
}

/** Polls the ReplicaSet of `hash` until stopped; resolves with when its replicas first dropped (or Infinity). */
function watchShrink(rollout: string, hash: string): { stop(): Promise<number> } {
  let running = true;
  let shrankAt = Number.POSITIVE_INFINITY;
  const loop = (async () => {
    let before: number | undefined;
    while (running && shrankAt === Number.POSITIVE_INFINITY) {
      const rs = (await env.admin.replicaSets(ns, rollout)).find(
        (r) => r.metadata.labels?.[HASH_LABEL] === hash,
      );
      const replicas = rs?.spec.replicas;
      if (before !== undefined && replicas !== undefined && replicas < before) shrankAt = Date.now();
      before = replicas;
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return shrankAt;
    },
  };
}

const healthyAt = (replicas: number) => (s: AppState) =>
  s.phase === 'Healthy' && s.replicaSets.length > 0 && s.replicaSets[0]?.available === replicas;

/**
 * Creates the app and waits until revision 1 is healthy with `replicas` pods and, when a status writer plays istiod,
 * until it reported the first VirtualService generation.
 */
async function deployRevision1(
  app: AppRefs,
  objects: readonly { kind: string; metadata: { namespace?: string } }[],
  replicas: number,
  writer?: IstiodStatusWriter,
): Promise<AppState> {
  await env.admin.createAll(objects);
  const v1 = await waitForApp(env.admin, app, 'revision 1 healthy', healthyAt(replicas));
  if (writer)
    await waitFor('generation 1 reported', () => Promise.resolve(writer.reported(1)), Boolean, {
      timeoutMs: 20_000,
    });
  return v1;
}

/** Sets the app's image to revision 2 and waits until `done` holds. */
async function updateToRevision2(
  app: AppRefs,
  what: string,
  done: (s: AppState) => boolean,
  timeoutMs?: number,
): Promise<AppState> {
  await env.admin.setImage(ns, app.name, `registry.example/${app.name}:2`);
  return waitForApp(env.admin, app, what, done, timeoutMs);
}

describe('with istiod status tracking', () => {
  const app = refs('shop');
  const steps = [{ setWeight: 30 }, { setWeight: 60 }];
  const fixture = hostCanary({ ...app, replicas: 2, steps, canary: { scaleDownDelaySeconds: 0 } });
  const writer = () => writers[0]!;

  it('writes each weight, and scales the old stable down, only after istiod reported the routing before', async () => {
    writers.push(new IstiodStatusWriter(env.admin, ns, app.name, REPORT_DELAY_MS));
    const v1 = await deployRevision1(app, fixture.objects, 2, writer());
    const shrink = watchShrink(app.name, v1.stableHash!);

    const done = await updateToRevision2(
      app,
      'healthy at revision 2, old stable scaled down',
      (s) =>
        s.phase === 'Healthy' &&
        s.stableHash === s.currentHash &&
        replicaSetOf(s, v1.stableHash).replicas === 0 &&
        // The status is written after the scale-down, in the same pass.
        s.conditions['TrafficPropagated'] === 'True/Propagated',
      90_000,
    );
    const shrankAt = await shrink.stop();
    const log = writer().log;
    // The VirtualService's generations: 30 %, then 60 %, (100 % after the last step when the canary was not yet
    // fully available), and 0 % once promoted.
    const weights = log.map((e) => e.weights['shop-canary']);
    expect(weights.indexOf(30)).toBeGreaterThan(0);
    expect(weights.indexOf(60)).toBeGreaterThan(weights.indexOf(30));
    expect(weights.at(-1)).toBe(0);
    console.log(`VirtualService generations: ${JSON.stringify(log)}; old stable shrank at ${shrankAt}`);
    // The 60 % step was written only after the routing of the 30 % step was reported (50 ms polling aside). Within
    // one routing change the router may write twice (drain, retarget): only a step's completion waits.
    const at60 = weights.indexOf(60);
    expect(log[at60 - 1]!.reportedAt).toBeDefined();
    expect(log[at60]!.firstSeenAt).toBeGreaterThanOrEqual(log[at60 - 1]!.reportedAt! - 100);
    // scaleDownDelaySeconds: 0, so without the wait the old stable would go as soon as the promotion's routing is
    // written: it went only after that routing was reported.
    const promotion = log.at(-1)!;
    expect(shrankAt).toBeGreaterThanOrEqual(promotion.reportedAt! - 100);
    expect(shrankAt - promotion.firstSeenAt).toBeGreaterThanOrEqual(REPORT_DELAY_MS - 200);
    expect(done.conditions['TrafficPropagated']).toBe('True/Propagated');
    expect(done.conditionMessages['TrafficPropagated']).toMatch(
      /^routing in effect after \d+\.\d s \(istio-status: /,
    );
    expect(done.rollout.status?.canary?.weights?.verified).toBe(true);
  }, 150_000);

  it('records each wait in truesplit_propagation_seconds', async () => {
    const series = await propagationSeries(app.name, 'propagated');
    expect(series.count).toBeGreaterThanOrEqual(3);
    expect(series.sum / series.count).toBeGreaterThanOrEqual(REPORT_DELAY_MS / 1000 - 0.5);
  });
});

describe('a report that never comes', () => {
  const app = refs('late');
  const fixture = hostCanary({ ...app, replicas: 1, steps: [{ setWeight: 50 }, { pause: {} }] });
  fixture.rollout.metadata.annotations = { 'truesplit.io/propagation-timeout': '4s' };

  it('holds the step for the timeout, then proceeds with a warning', async () => {
    const writer = new IstiodStatusWriter(env.admin, ns, app.name, 200);
    writers.push(writer);
    await deployRevision1(app, fixture.objects, 1, writer);
    writer.frozen = true;
    const started = Date.now();
    const held = await updateToRevision2(
      app,
      'waiting for propagation',
      (s) => s.conditions['TrafficPropagated'] === 'False/Propagating',
    );
    expect(held.stepIndex).toBe(0);
    const paused = await waitForApp(
      env.admin,
      app,
      'paused at step 1 after the timeout',
      (s) => s.stepIndex === 1,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    expect(paused.conditions['TrafficPropagated']).toBe('False/PropagationTimedOut');
    const events = await env.admin.core.listNamespacedEvent({ namespace: ns });
    expect(
      events.items.some(
        (e) => e.reason === 'TrafficPropagationTimedOut' && e.involvedObject.name === app.name,
      ),
    ).toBe(true);
    expect((await propagationSeries(app.name, 'timed-out')).count).toBe(1);
  }, 90_000);
});

describe('without status tracking', () => {
  const app = refs('plain');
  const fixture = hostCanary({ ...app, replicas: 1, steps: [{ setWeight: 50 }, { setWeight: 80 }] });

  it('goes on at once and says propagation is not observable', async () => {
    await deployRevision1(app, fixture.objects, 1);
    const started = Date.now();
    const done = await updateToRevision2(
      app,
      'healthy at revision 2',
      (s) => s.phase === 'Healthy' && s.stableHash === s.currentHash,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(done.conditions['TrafficPropagated']).toBe('Unknown/PropagationNotObservable');
    expect(done.conditionMessages['TrafficPropagated']).toMatch(/^propagation not observable: /);
    expect(done.rollout.status?.canary?.weights?.verified).toBeUndefined();
  });
});
