/**
 * Analysis on the real control plane: a canary error ratio the test sets (a metrics endpoint it controls, scraped by
 * a real Prometheus, queried with `rate` and `sum`), AnalysisTemplates that measure it, and reads of the
 * AnalysisRuns a Rollout owns.
 */
import type { AnalysisRun, AnalysisTemplate, Metric } from '../../src/api/analysis.ts';
import type { AppState } from './app-state.ts';
import type { E2eClient } from './kube.ts';
import {
  type MetricsEndpoint,
  type PrometheusServer,
  startMetricsEndpoint,
  startPrometheus,
} from './prometheus.ts';

const REQUESTS = 'http_requests_total';
const WINDOW = '5s';
/** The canary's share of 5xx answers over the last few seconds: one-element vector. */
export const CANARY_ERROR_RATIO = `sum(rate(${REQUESTS}{version="canary",code=~"5.."}[${WINDOW}])) / sum(rate(${REQUESTS}{version="canary"}[${WINDOW}]))`;

/** The canary's traffic as Prometheus sees it: `healthy` serves 5 % errors at most, `failing` nearly all. */
export interface CanaryTraffic {
  prometheus: PrometheusServer;
  set(health: 'healthy' | 'failing'): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the endpoint and Prometheus (scraping every second) and waits until the ratio is measurable and low. */
export async function startCanaryTraffic(): Promise<CanaryTraffic> {
  const endpoint: MetricsEndpoint = await startMetricsEndpoint();
  let errorsPerTick = 0;
  const tick = () => {
    endpoint.inc(REQUESTS, { version: 'canary', code: '200' }, 20 - errorsPerTick);
    endpoint.inc(REQUESTS, { version: 'canary', code: '500' }, errorsPerTick);
  };
  tick();
  const ticker = setInterval(tick, 200);
  const prometheus = await startPrometheus({ targets: [endpoint.target], scrapeIntervalSeconds: 1 });
  const ratioIs = (ok: (ratio: number) => boolean) =>
    prometheus.waitUntil<{ value: [number, string] }[]>(
      CANARY_ERROR_RATIO,
      (r) => r.length === 1 && ok(Number(r[0]!.value[1])),
      30_000,
    );
  await ratioIs((ratio) => ratio === 0);
  return {
    prometheus,
    async set(health) {
      errorsPerTick = health === 'healthy' ? 0 : 20;
      await ratioIs((ratio) => (health === 'healthy' ? ratio === 0 : ratio > 0.5));
    },
    async stop() {
      clearInterval(ticker);
      await prometheus.stop();
      await endpoint.close();
    },
  };
}

/**
 * Completed at `:<revision>`, judged on a status that describes the current spec (right after a new image the status
 * still describes the previous one).
 */
export const healthyAt = (revision: number) => (s: AppState) =>
  s.rollout.status?.observedGeneration === String(s.rollout.metadata.generation ?? 0) &&
  s.phase === 'Healthy' &&
  s.stableHash === s.currentHash &&
  (s.rollout.spec.template?.spec?.containers?.[0]?.image ?? '').endsWith(`:${revision}`);

/** A prometheus metric on the canary error ratio: Successful below 10 %, Failed otherwise. */
export function errorRateMetric(address: string, fields: Partial<Metric> = {}): Metric {
  return {
    name: 'error-rate',
    successCondition: 'result[0] < 0.1',
    provider: { prometheus: { address, query: CANARY_ERROR_RATIO } },
    ...fields,
  };
}

export function analysisTemplate(
  namespace: string | undefined,
  name: string,
  metrics: Metric[],
): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: namespace === undefined ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate',
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec: { metrics },
  };
}

const RUNS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysisruns' } as const;

/** The AnalysisRuns the Rollout owns, oldest first. */
export async function analysisRunsOf(
  client: E2eClient,
  namespace: string,
  rollout: string,
): Promise<AnalysisRun[]> {
  const list = (await client.custom.listNamespacedCustomObject({ ...RUNS, namespace })) as {
    items: AnalysisRun[];
  };
  return list.items
    .filter((run) =>
      (run.metadata.ownerReferences ?? []).some((o) => o.kind === 'Rollout' && o.name === rollout),
    )
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
}

/** Replaces a namespaced AnalysisTemplate's spec (read, then update with its resourceVersion). */
export async function replaceTemplateSpec(
  client: E2eClient,
  namespace: string,
  name: string,
  spec: AnalysisTemplate['spec'],
): Promise<void> {
  const path = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysistemplates', namespace, name };
  const current = (await client.custom.getNamespacedCustomObject(path)) as AnalysisTemplate;
  await client.custom.replaceNamespacedCustomObject({ ...path, body: { ...current, spec } });
}

/** The Warning events on an object, by reason. */
export async function warningEvents(
  client: E2eClient,
  namespace: string,
  name: string,
  reason: string,
): Promise<string[]> {
  const events = await client.core.listNamespacedEvent({ namespace });
  return events.items
    .filter((e) => e.involvedObject.name === name && e.reason === reason && e.type === 'Warning')
    .map((e) => e.message ?? '');
}
