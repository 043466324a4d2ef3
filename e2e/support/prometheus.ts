/**
 * A real Prometheus for e2e tests, and a metrics endpoint the test controls for it to scrape.
 *
 * Needs no Kubernetes control plane: analysis e2e tests (a Rollout with step analysis on the real control plane) and
 * the Istio-telemetry tests start it beside their environment; the provider e2e test uses it alone.
 *
 * API
 * - `startMetricsEndpoint()` → `MetricsEndpoint`: a node:http server on 127.0.0.1, port 0, serving the Prometheus text
 *   format at `/metrics`. `set(name, labels, value)` sets a sample, `inc(name, labels, by = 1)` adds to it (counters
 *   such as `http_requests_total{code, version}`), `declare(name, type, help?)` gives a family its `# TYPE` (default
 *   `counter` for names ending in `_total`, else `gauge`), `clear()` drops every sample, `target` is the
 *   `host:port` to scrape, `close()` stops it.
 * - `startPrometheus({ targets, scrapeIntervalSeconds = 1, jobName = 'e2e', binary, workDir })` →
 *   `PrometheusServer`: starts Debian's `/usr/bin/prometheus` (or `$TRUESPLIT_PROMETHEUS`, or `binary`) on a free
 *   loopback port with a temporary TSDB directory and a scrape config listing `targets` (`host:port`, scraped at
 *   `/metrics` every `scrapeIntervalSeconds`), waits until it is ready and every target is up, and returns `url`
 *   (`http://127.0.0.1:<port>`, the provider's `address`), `pid`, `logFile`, `query(promql)` (the instant-query
 *   response's `data`, for assertions), `waitForTargetsUp()`, `waitUntil(promql, predicate, timeoutMs)` (polls until
 *   the instant-query result satisfies `predicate`) and `stop()` (SIGTERM to the process group, SIGKILL after 5 s,
 *   temporary files removed). A process exit handler kills it if the test runner dies first: no orphans.
 * - `prometheusBinary()` → the binary path, or `undefined` when none is installed (tests can then skip with a reason;
 *   `.ci/run` installs the `prometheus` package, so CI never skips).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  killGroup,
  killGroupNow,
  logTail,
  type Managed,
  startProcess,
} from '../cluster/processes.ts';
import { sleep } from './wait-for.ts';

export type Labels = Record<string, string>;

export interface MetricsEndpoint {
  /** `127.0.0.1:<port>`, for a scrape config. */
  target: string;
  set(name: string, labels: Labels, value: number): void;
  inc(name: string, labels: Labels, by?: number): void;
  declare(name: string, type: 'counter' | 'gauge' | 'untyped', help?: string): void;
  clear(): void;
  close(): Promise<void>;
}

export interface PrometheusOptions {
  targets: string[];
  scrapeIntervalSeconds?: number;
  jobName?: string;
  binary?: string;
  /** Parent of the temporary directory (default: the OS temp dir). */
  workDir?: string;
}

export interface PrometheusServer {
  url: string;
  pid: number;
  logFile: string;
  query(promql: string): Promise<{ resultType: string; result: unknown }>;
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  waitUntil<T = unknown>(promql: string, predicate: (result: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

const DEFAULT_BINARY = '/usr/bin/prometheus';

export function prometheusBinary(): string | undefined {
  const candidate = process.env.TRUESPLIT_PROMETHEUS || DEFAULT_BINARY;
  return existsSync(candidate) ? candidate : undefined;
}

function seriesKey(name: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map(
      (k) => `${k}="${(labels[k] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    );
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

type Sample = { name: string; value: number };
type Family = { type: string; help?: string };

/** The Prometheus text format (0.0.4) of every sample, grouped by metric name. */
function renderExposition(samples: Map<string, Sample>, types: Map<string, Family>): string {
  const names = [...new Set([...samples.values()].map((s) => s.name))].sort();
  return names
    .map((name) => {
      const { type, help } = types.get(name) ?? { type: name.endsWith('_total') ? 'counter' : 'gauge' };
      const lines = [...(help ? [`# HELP ${name} ${help}`] : []), `# TYPE ${name} ${type}`];
      for (const [key, sample] of samples) if (sample.name === name) lines.push(`${key} ${sample.value}`);
      return `${lines.join('\n')}\n`;
    })
    .join('');
}

export async function startMetricsEndpoint(): Promise<MetricsEndpoint> {
  const samples = new Map<string, Sample>();
  const types = new Map<string, Family>();
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(renderExposition(samples, types));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    set(name, labels, value) {
      samples.set(seriesKey(name, labels), { name, value });
    },
    inc(name, labels, by = 1) {
      const key = seriesKey(name, labels);
      samples.set(key, { name, value: (samples.get(key)?.value ?? 0) + by });
    },
    declare(name, type, help) {
      types.set(name, { type, ...(help ? { help } : {}) });
    },
    clear() {
      samples.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function scrapeConfig(
  options: Required<Pick<PrometheusOptions, 'targets' | 'scrapeIntervalSeconds' | 'jobName'>>,
) {
  const interval = `${options.scrapeIntervalSeconds}s`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(options.jobName)}`,
    `    scrape_interval: ${interval}`,
    `    scrape_timeout: ${interval}`,
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: ${JSON.stringify(options.targets)}`,
    '',
  ].join('\n');
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

interface Launched {
  url: string;
  managed: Managed;
  stop(): Promise<void>;
}

/** Writes the config into a fresh temporary directory and starts the process in its own group. */
async function launch(options: PrometheusOptions): Promise<Launched> {
  const binary = options.binary ?? prometheusBinary();
  if (!binary)
    throw new Error("no Prometheus binary: install Debian's prometheus package or set TRUESPLIT_PROMETHEUS");
  const dir = mkdtempSync(join(options.workDir ?? tmpdir(), 'truesplit-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  const scrape = { targets: options.targets, scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 1 };
  writeFileSync(config, scrapeConfig({ ...scrape, jobName: options.jobName ?? 'e2e' }));
  const port = await freePort();
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ];
  const managed = startProcess('prometheus', binary, args, dir);
  const onExit = () => killGroupNow(managed.pid);
  process.on('exit', onExit);
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    managed,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killGroup(managed.pid);
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `attempt` every 200 ms until it returns a value; errors count as "not yet" and show in the timeout error. */
async function poll<T>(
  managed: Managed,
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'nothing yet';
  for (;;) {
    managed.assertAlive();
    try {
      const result = await attempt();
      if (result !== undefined) return result;
      last = 'condition not met';
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Prometheus: timed out waiting for ${what}; last seen: ${String(last)}\nlog tail:\n${logTail(managed.logFile)}`,
      );
    }
    await sleep(200);
  }
}

function prometheusClient(launched: Launched, expectedTargets: number): PrometheusServer {
  const { url, managed } = launched;
  const query = async (promql: string) => {
    const body = (await getJson(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)) as {
      data: { resultType: string; result: unknown };
    };
    return body.data;
  };
  return {
    url,
    pid: managed.pid,
    logFile: managed.logFile,
    query,
    async waitForTargetsUp(timeoutMs = 30_000) {
      await poll(managed, 'every target up', timeoutMs, async () => {
        const { data } = (await getJson(`${url}/api/v1/targets?state=active`)) as {
          data: { activeTargets: { health: string; lastError?: string }[] };
        };
        const targets = data.activeTargets;
        if (targets.length >= expectedTargets && targets.every((t) => t.health === 'up')) return true;
        throw new Error(JSON.stringify(targets.map((t) => ({ health: t.health, error: t.lastError }))));
      });
    },
    async waitUntil<T>(promql: string, predicate: (result: T) => boolean, timeoutMs = 30_000) {
      return poll(managed, `${promql} to satisfy the test`, timeoutMs, async () => {
        const { result } = await query(promql);
        return predicate(result as T) ? (result as T) : undefined;
      });
    },
    stop: () => launched.stop(),
  };
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const launched = await launch(options);
  const server = prometheusClient(launched, options.targets.length);
  try {
    await poll(launched.managed, '/-/ready', 60_000, async () =>
      (await fetch(`${launched.url}/-/ready`)).ok ? true : undefined,
    );
    await server.waitForTargetsUp();
  } catch (err) {
    await launched.stop();
    throw err;
  }
  return server;
}
