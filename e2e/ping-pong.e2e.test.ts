/**
 * A ping-pong canary (ADR 0220) through two updates on the real control plane, the controller under the shipped RBAC.
 * The canary Service takes each new revision, the roles swap at promotion (`status.canary.stablePingPong`), and a
 * sampler polling the VirtualService, both Services and their EndpointSlices all along checks that the weights always
 * sum to 100 and that no Service ever carries weight without a ready endpoint, nor the stable one goes without any.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { HASH_LABEL, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { pingPongCanary, routeWeights } from './support/fixtures.ts';

const ns = 'pingpong';
const PING = 'shop-ping';
const PONG = 'shop-pong';
const app: AppRefs = { namespace: ns, name: 'shop', services: [PING, PONG] };
const fixture = pingPongCanary({
  ...app,
  replicas: 2,
  readyDelayMs: 300,
  steps: [{ setWeight: 50 }, { pause: {} }],
});

interface Sample {
  at: number;
  stablePingPong: string | undefined;
  weights: Record<string, number>;
  selectors: Record<string, string | undefined>;
  ready: Record<string, number>;
}

/** Polls everything the traffic depends on until stopped; each sample is one consistent-enough reading. */
class Sampler {
  readonly samples: Sample[] = [];
  private running = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly env: E2eEnvironment) {}

  start(): void {
    const discovery = this.env.admin.kc.makeApiClient(k8s.DiscoveryV1Api);
    this.loop = (async () => {
      while (this.running) {
        this.samples.push(await this.sample(discovery));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async sample(discovery: k8s.DiscoveryV1Api): Promise<Sample> {
    const [rollout, vs, ping, pong, readyPing, readyPong] = await Promise.all([
      this.env.admin.rollout(ns, app.name),
      this.env.admin.virtualService(ns, app.name),
      this.env.admin.service(ns, PING),
      this.env.admin.service(ns, PONG),
      readyEndpoints(discovery, PING),
      readyEndpoints(discovery, PONG),
    ]);
    return {
      at: Date.now(),
      stablePingPong: rollout.status?.canary?.stablePingPong,
      weights: routeWeights(vs),
      selectors: { [PING]: ping.spec.selector?.[HASH_LABEL], [PONG]: pong.spec.selector?.[HASH_LABEL] },
      ready: { [PING]: readyPing, [PONG]: readyPong },
    };
  }
}

async function readyEndpoints(discovery: k8s.DiscoveryV1Api, service: string): Promise<number> {
  const slices = await discovery.listNamespacedEndpointSlice({
    namespace: ns,
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  return slices.items
    .flatMap((slice) => slice.endpoints)
    .filter((endpoint) => endpoint?.conditions?.ready === true).length;
}

const stableService = (role: string | undefined) => (role === 'pong' ? PONG : PING);
const pausedAt = (index: number) => (s: AppState) => s.stepIndex === index && s.phase === 'Paused';
const healthyAt = (hash: string | undefined) => (s: AppState) =>
  s.phase === 'Healthy' && s.stableHash === s.currentHash && s.currentHash !== hash;

let env: E2eEnvironment;
let sampler: Sampler;

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller');
  await env.admin.createAll(fixture.objects);
  sampler = new Sampler(env);
});

afterAll(async () => {
  await sampler?.stop();
  await env?.stop();
});

describe('ping-pong canary', () => {
  const hashes: Record<string, string | undefined> = {};
  const roles = (s: AppState) => [s.rollout.status?.canary?.stablePingPong, s.selectors, s.weights];

  it('revision 1: ping is stable, selects it and carries 100 %', async () => {
    const s = await waitForApp(
      env.admin,
      app,
      'revision 1 healthy, ping pinned',
      (s) => s.phase === 'Healthy' && s.selectors[PING] !== undefined,
    );
    hashes['v1'] = s.stableHash;
    expect(roles(s)).toEqual([
      'ping',
      { [PING]: s.stableHash, [PONG]: undefined },
      { [PING]: 100, [PONG]: 0 },
    ]);
    sampler.start();
  });

  it('update 1: pong takes revision 2 and 50 %; at promotion the roles swap, no selector moves', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/shop:2');
    const paused = await waitForApp(env.admin, app, 'update 1 paused at step 1', pausedAt(1));
    hashes['v2'] = paused.currentHash;
    expect(roles(paused)).toEqual([
      'ping',
      { [PING]: hashes['v1'], [PONG]: hashes['v2'] },
      { [PING]: 50, [PONG]: 50 },
    ]);
    await env.admin.promote(ns, app.name);
    const done = await waitForApp(env.admin, app, 'update 1 healthy', healthyAt(hashes['v1']));
    expect(roles(done)).toEqual([
      'pong',
      { [PING]: hashes['v1'], [PONG]: hashes['v2'] },
      { [PING]: 0, [PONG]: 100 },
    ]);
  });

  it('update 2: ping takes revision 3; promotion makes ping stable again', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/shop:3');
    const paused = await waitForApp(env.admin, app, 'update 2 paused at step 1', pausedAt(1));
    hashes['v3'] = paused.currentHash;
    expect(roles(paused)).toEqual([
      'pong',
      { [PING]: hashes['v3'], [PONG]: hashes['v2'] },
      { [PING]: 50, [PONG]: 50 },
    ]);
    await env.admin.promote(ns, app.name);
    const done = await waitForApp(env.admin, app, 'update 2 healthy', healthyAt(hashes['v2']));
    expect(roles(done)).toEqual([
      'ping',
      { [PING]: hashes['v3'], [PONG]: hashes['v2'] },
      { [PING]: 100, [PONG]: 0 },
    ]);
  });

  it('all along: weights sum to 100, weight only on a Service with ready endpoints, the stable one never empty', async () => {
    await sampler.stop();
    const samples = sampler.samples;
    expect(samples.length).toBeGreaterThanOrEqual(10); // about one a second under load, more on an idle machine
    const problems = samples.flatMap((s) => {
      const found: string[] = [];
      const sum = Object.values(s.weights).reduce((a, b) => a + b, 0);
      if (sum !== 100) found.push(`weights sum to ${sum}`);
      for (const [service, weight] of Object.entries(s.weights))
        if (weight > 0 && (s.ready[service] ?? 0) === 0)
          found.push(`${service} has ${weight} % and no ready endpoint`);
      const stable = stableService(s.stablePingPong);
      if ((s.ready[stable] ?? 0) === 0) found.push(`stable ${stable} has no ready endpoint`);
      return found.map((p) => `${new Date(s.at).toISOString()} ${p} ${JSON.stringify(s)}`);
    });
    const weighted = samples.flatMap((s) =>
      Object.entries(s.weights).flatMap(([svc, w]) => (w > 0 ? [s.ready[svc] ?? 0] : [])),
    );
    console.log(
      `ping-pong: ${samples.length} samples over ${Math.round((samples.at(-1)!.at - samples[0]!.at) / 1000)} s; ` +
        `fewest ready endpoints behind a weighted Service: ${Math.min(...weighted)}`,
    );
    expect(problems).toEqual([]);
    // The stable role moved from ping to pong and back, as the samples saw it.
    const sequence = samples.map((s) => s.stablePingPong).filter((r, i, all) => i === 0 || r !== all[i - 1]);
    expect(sequence).toEqual(['ping', 'pong', 'ping']);
  });
});
