/**
 * Per-caller-path canary share and error rate from Istio's standard telemetry, against a real Prometheus (Debian's
 * package) scraping a traffic generator that counts `istio_requests_total` with Istio's labels for gateway, in-mesh
 * sidecar and plain callers. (a) The pure module's queries give each path's share as served: the seed scenario's
 * in-mesh 50 % before the fix and 10 % after, the gateway 10 % throughout. (b) The `truesplit` provider catches a
 * canary failing only for in-mesh callers (`path: mesh`) while `path: gateway` passes. No Kubernetes control plane.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrueSplitMetric } from '../src/api/analysis.ts';
import { createTrueSplitProvider } from '../src/analysis/providers/truesplit.ts';
import {
  buildSplitQueries,
  type LabelledSample,
  type PathSplit,
  readPathSplits,
} from '../src/mesh/observed-split.ts';
import { isAlive } from './cluster/processes.ts';
import {
  ISTIO_REQUESTS,
  type IstioTraffic,
  startIstioTraffic,
  type TrafficPlan,
} from './support/istio-traffic.ts';
import {
  type MetricsEndpoint,
  prometheusBinary,
  type PrometheusServer,
  startMetricsEndpoint,
  startPrometheus,
} from './support/prometheus.ts';
import { sleep } from './support/wait-for.ts';

const SERVICE = 'istio-rollout';
const NAMESPACE = 'rollouts-demo-istio';
const CANARY = '6d4f8c9b7';
const STABLE = '59c7d6f5b';
const WINDOW = '10s';
/** The window plus two scrapes: after this long the window holds only the current plan's requests. */
const SETTLE_MS = 12_000;
/** A share over ~2,000 requests with one-request rounding per series and increase()'s extrapolation. */
const TOLERANCE = 0.02;

const BEFORE_FIX: TrafficPlan = {
  gateway: { requestsPerTick: 20, canaryShare: 0.1 },
  mesh: { requestsPerTick: 20, canaryShare: 0.5 },
  plain: { requestsPerTick: 10, canaryShare: 0.5 },
};
const AFTER_FIX: TrafficPlan = { ...BEFORE_FIX, mesh: { requestsPerTick: 20, canaryShare: 0.1 } };

const binary = prometheusBinary();
if (!binary) console.log('observed-split e2e skipped: no Prometheus binary (apt-get install prometheus)');

describe.skipIf(!binary)('observed split from istio_requests_total in a real Prometheus', () => {
  let endpoint: MetricsEndpoint;
  let prometheus: PrometheusServer;
  let traffic: IstioTraffic | undefined;

  beforeAll(async () => {
    endpoint = await startMetricsEndpoint();
    traffic = startIstioTraffic(endpoint, {
      service: SERVICE,
      namespace: NAMESPACE,
      canaryRevision: CANARY,
      stableRevision: STABLE,
    });
    traffic.set(BEFORE_FIX);
    prometheus = await startPrometheus({ targets: [endpoint.target], scrapeIntervalSeconds: 1 });
    await prometheus.waitUntil<unknown[]>(
      `count(increase(${ISTIO_REQUESTS}[${WINDOW}]))`,
      (r) => r.length === 1,
    );
    await sleep(SETTLE_MS);
  });

  afterAll(async () => {
    traffic?.stop();
    const pid = prometheus?.pid;
    await prometheus?.stop();
    await endpoint?.close();
    if (pid !== undefined) expect(isAlive(pid)).toBe(false);
  });

  async function vector(promql: string): Promise<LabelledSample[]> {
    const data = await prometheus.query(promql);
    expect(data.resultType).toBe('vector');
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((series) => ({
      labels: series.metric,
      value: Number(series.value[1]),
    }));
  }

  async function observedSplits(): Promise<Record<string, PathSplit>> {
    const queries = buildSplitQueries({ service: SERVICE, namespace: NAMESPACE, window: WINDOW });
    const [source, destination] = await Promise.all([vector(queries.source), vector(queries.destination)]);
    const splits = readPathSplits({ source, destination }, { canaryRevision: CANARY, minSamples: 100 });
    console.log(
      splits
        .map(
          (s) =>
            `${s.path} ${s.canaryRequests.toFixed(0)}/${s.totalRequests.toFixed(0)} = ${s.share?.toFixed(4)}`,
        )
        .join('; '),
    );
    return Object.fromEntries(splits.map((s) => [s.path, s]));
  }

  function measure(config: Partial<TrueSplitMetric>) {
    const truesplit: TrueSplitMetric = {
      address: prometheus.url,
      service: SERVICE,
      canaryRevision: CANARY,
      path: 'mesh',
      measure: 'errorRate',
      window: WINDOW,
      ...config,
    };
    return createTrueSplitProvider().run({
      run: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name: 'e2e', namespace: NAMESPACE, uid: 'e2e-uid' },
        spec: { metrics: [] },
      },
      metric: { name: 'mesh-error-rate', provider: { truesplit } },
      now: new Date(),
    });
  }

  it('(a) gives each path its served share: in-mesh 50 % before the fix, 10 % after; gateway 10 %', async () => {
    const before = await observedSplits();
    expect(before.gateway?.share).toBeGreaterThan(0.1 - TOLERANCE);
    expect(before.gateway?.share).toBeLessThan(0.1 + TOLERANCE);
    expect(Math.abs((before.mesh?.share ?? -1) - 0.5)).toBeLessThan(TOLERANCE);
    expect(Math.abs((before.plain?.share ?? -1) - 0.5)).toBeLessThan(TOLERANCE);
    // The destination sidecar's reports of gateway and mesh callers are not counted twice: plain is its own.
    expect(before.plain?.totalRequests ?? 0).toBeLessThan((before.mesh?.totalRequests ?? 0) * 0.75);

    traffic?.set(AFTER_FIX);
    await sleep(SETTLE_MS);
    const after = await observedSplits();
    expect(Math.abs((after.mesh?.share ?? -1) - 0.1)).toBeLessThan(TOLERANCE);
    expect(Math.abs((after.gateway?.share ?? -1) - 0.1)).toBeLessThan(TOLERANCE);
    expect(Math.abs((after.plain?.share ?? -1) - 0.5)).toBeLessThan(TOLERANCE);
  });

  it('(b) the truesplit provider catches a canary failing only for in-mesh callers', async () => {
    traffic?.set({
      ...AFTER_FIX,
      mesh: { requestsPerTick: 20, canaryShare: 0.1, canaryErrorRate: 0.3 },
    });
    await sleep(SETTLE_MS);
    const mesh = await measure({ path: 'mesh', measure: 'errorRate' });
    const gateway = await measure({ path: 'gateway', measure: 'errorRate' });
    const any = await measure({ path: 'any', measure: 'errorRate' });
    console.log(
      `mesh ${mesh.value} (${JSON.stringify(mesh.metadata)}), gateway ${gateway.value}, any ${any.value}`,
    );
    // successCondition: result < 0.05 fails for mesh, passes for gateway.
    expect(mesh.phase).toBeUndefined();
    expect(Math.abs((mesh.result as number) - 0.3)).toBeLessThan(0.05);
    expect(gateway.phase).toBeUndefined();
    expect(gateway.result as number).toBeLessThan(0.05);
    expect(gateway.result).toBe(0);
    // Diluted over every caller, the failure still shows, but less.
    expect(any.result as number).toBeLessThan(mesh.result as number);

    const share = await measure({ path: 'mesh', measure: 'canaryShare' });
    expect(Math.abs((share.result as number) - 0.1)).toBeLessThan(TOLERANCE);

    const starved = await measure({ path: 'plain', measure: 'errorRate', minSamples: 1_000_000 });
    expect(starved.phase).toBe('Error');
    expect(starved.message).toMatch(/^insufficient data: \d+ requests from plain callers reached the canary/);
  });
});
