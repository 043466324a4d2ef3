/**
 * The setting of a Rollout-with-analysis e2e test: the real control plane with the controller process, a real
 * Prometheus scraping a metrics endpoint the test controls, and request traffic the test sets per app and version.
 *
 * API
 * - `startAnalysisScenario({ namespaces, crdDirs?, startController? })` → `AnalysisScenario`: a fresh environment
 *   (environment.ts; `crdDirs` e.g. Argo's official CRDs), the namespaces created, the metrics endpoint and Prometheus
 *   (scraping every second) running, the request ticker started, and the controller process `controller` started
 *   and ready (unless `startController: false`, then `env.startController` is the caller's). `stop()` ends it all.
 * - `scenario.traffic.set(app, version, { ok, error })`: requests per tick (4 ticks a second) counted in
 *   `http_requests_total{app, version, code}` (`code` 200 and 500; both series exist even at 0, so a ratio is 0 and
 *   not "no data"). `scenario.traffic.waitForErrorRatio(app, version, predicate)` waits until Prometheus' own
 *   answer to `errorRatio` satisfies `predicate` — how a test knows the next measurement will see the change.
 * - `errorRatio(selector, window?)`, `errorRatioByVersion(selector, window?)`: the PromQL templates use (`rate`,
 *   `sum`, `sum by (version)`, a ratio); `selector` is label matchers such as `app="{{args.app}}",version="canary"`.
 * - `prometheusMetric(name, address, query, fields)` and `analysisTemplate(namespace, name, metrics, args?)` build
 *   the objects; `createTemplates(scenario, templates)` applies them.
 */
import type { AnalysisTemplate, Metric, TemplateArg } from '../../src/api/analysis.ts';
import type { ControllerProcess } from './controller-process.ts';
import type { E2eEnvironment } from './environment.ts';
import { startEnvironment } from './environment.ts';
import {
  type MetricsEndpoint,
  type PrometheusServer,
  startMetricsEndpoint,
  startPrometheus,
} from './prometheus.ts';

export const REQUESTS = 'http_requests_total';
/** How often the ticker counts the requests set with `traffic.set`. */
export const TICK_MS = 250;
/** The rate window of the scenario's queries: four scrapes at the one-second scrape interval. */
export const RATE_WINDOW = '4s';

export interface RequestMix {
  ok: number;
  error: number;
}

export interface RequestTraffic {
  set(app: string, version: string, mix: RequestMix): void;
  waitForErrorRatio(
    app: string,
    version: string,
    predicate: (ratio: number | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<number | undefined>;
}

export interface AnalysisScenario {
  env: E2eEnvironment;
  prometheus: PrometheusServer;
  endpoint: MetricsEndpoint;
  traffic: RequestTraffic;
  /** The controller process, unless the scenario was started without one. */
  controller?: ControllerProcess;
  stop(): Promise<void>;
}

export interface ScenarioOptions {
  namespaces: string[];
  crdDirs?: string[];
  /** default true */
  startController?: boolean;
}

export function errorRatio(selector: string, window = RATE_WINDOW): string {
  const errors = `sum(rate(${REQUESTS}{${selector},code=~"5.."}[${window}]))`;
  return `${errors} / sum(rate(${REQUESTS}{${selector}}[${window}]))`;
}

export function errorRatioByVersion(selector: string, window = RATE_WINDOW): string {
  const errors = `sum by (version) (rate(${REQUESTS}{${selector},code=~"5.."}[${window}]))`;
  return `${errors} / sum by (version) (rate(${REQUESTS}{${selector}}[${window}]))`;
}

export function prometheusMetric(
  name: string,
  address: string,
  query: string,
  fields: Omit<Metric, 'name' | 'provider'> = {},
): Metric {
  return { name, ...fields, provider: { prometheus: { address, query } } };
}

export function analysisTemplate(
  namespace: string,
  name: string,
  metrics: Metric[],
  args: TemplateArg[] = [{ name: 'app' }],
): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace },
    spec: { args, metrics },
  };
}

export async function createTemplates(
  scenario: AnalysisScenario,
  templates: readonly AnalysisTemplate[],
): Promise<void> {
  await scenario.env.admin.createAll(templates);
}

/** Counts each app/version's requests every tick; `set` counts once at once, so the series exist from then on. */
function startTicker(endpoint: MetricsEndpoint): { set: RequestTraffic['set']; stop: () => void } {
  const mixes = new Map<string, { app: string; version: string; mix: RequestMix }>();
  const tick = () => {
    for (const { app, version, mix } of mixes.values()) {
      endpoint.inc(REQUESTS, { app, version, code: '200' }, mix.ok);
      endpoint.inc(REQUESTS, { app, version, code: '500' }, mix.error);
    }
  };
  const ticker = setInterval(tick, TICK_MS);
  return {
    set(app, version, mix) {
      mixes.set(`${app}/${version}`, { app, version, mix });
      tick();
    },
    stop: () => clearInterval(ticker),
  };
}

function waitForErrorRatio(prometheus: PrometheusServer): RequestTraffic['waitForErrorRatio'] {
  return async (app, version, predicate, timeoutMs = 30_000) => {
    const ratio = (r: { value: [number, string] }[]) => (r[0] ? Number(r[0].value[1]) : undefined);
    const query = errorRatio(`app="${app}",version="${version}"`);
    return ratio(
      await prometheus.waitUntil(query, (r: { value: [number, string] }[]) => predicate(ratio(r)), timeoutMs),
    );
  };
}

export async function startAnalysisScenario(options: ScenarioOptions): Promise<AnalysisScenario> {
  const env = await startEnvironment(options.crdDirs ? { crdDirs: options.crdDirs } : {});
  const stops: (() => Promise<void> | void)[] = [() => env.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    for (const ns of options.namespaces) await env.admin.createNamespace(ns);
    const endpoint = await startMetricsEndpoint();
    stops.push(() => endpoint.close());
    const ticker = startTicker(endpoint);
    stops.push(ticker.stop);
    const started = Date.now();
    const prometheus = await startPrometheus({ targets: [endpoint.target], scrapeIntervalSeconds: 1 });
    stops.push(() => prometheus.stop());
    const ready = Date.now();
    const controller =
      options.startController === false ? undefined : await env.startController('controller');
    console.log(
      `analysis scenario: Prometheus ready in ${ready - started} ms` +
        (controller ? `, controller ready in ${Date.now() - ready} ms` : ''),
    );
    return {
      env,
      prometheus,
      endpoint,
      traffic: { set: ticker.set, waitForErrorRatio: waitForErrorRatio(prometheus) },
      ...(controller ? { controller } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
