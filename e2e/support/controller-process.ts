/**
 * The controller under test as a separate OS process: `node dist/cli/main.js controller …`, run by the same
 * project-local Node as the tests, with its own log file, metrics and healthz ports. Tests kill it (SIGKILL for crash
 * safety and leader hand-over) and read its /metrics and JSON logs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../cluster/control-plane.ts';
import type { Managed } from '../cluster/processes.ts';
import { freePort, isAlive, killGroup, killGroupNow, logTail, startProcess } from '../cluster/processes.ts';
import { sleep, waitFor } from './wait-for.ts';

/**
 * The environment deploy/ and the Helm chart give the controller container, so processes started here measure what
 * ships: glibc's malloc limited to 2 arenas (without it, the HTTP and TLS work of the metric providers spread over
 * per-thread arenas that hold on to freed memory; ADR 0215) and V8's young generation capped at 2 MiB per
 * semi-space (ADR 0245). A test checks these values against deploy/controller/deployment.yaml.
 */
export const CONTROLLER_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  NODE_OPTIONS: '--max-semi-space-size=2',
};

export const CLI_ENTRY = join(REPO_ROOT, 'dist/cli/main.js');

export interface ControllerOptions {
  kubeconfig: string;
  logDir: string;
  /** log file and leader-election identity (POD_NAME) */
  name: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  /** POD_NAMESPACE, as the Deployment sets it from the pod's namespace (where the notification config is read). */
  podNamespace?: string;
  namespace?: string;
  workers?: number;
  /** More flags, appended as given (e.g. `--prometheus-address URL --telemetry-interval 2`). */
  extraArgs?: readonly string[];
  /** Flags for node itself, before the entry point (e.g. `--trace-gc`, which NODE_OPTIONS does not allow). */
  nodeArgs?: readonly string[];
}

export interface RequestCount {
  kind: string;
  namespace: string;
  verb: string;
  statusCode: string;
  count: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function runBuildStep(script: string, args: string[]): void {
  const res = spawnSync(process.execPath, [join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`building the controller failed:\n${res.stdout}${res.stderr}`);
}

/**
 * Compiles src/ to dist/ (tsc, no dashboard bundle) when dist/cli/main.js is missing or older than src/, then makes
 * sure dist/kube/client-node.js is the tree-shaken client-node bundle `npm run build` ships (a no-op when it is).
 */
export function ensureControllerBuilt(): void {
  const src = join(REPO_ROOT, 'src');
  if (!existsSync(CLI_ENTRY) || statSync(CLI_ENTRY).mtimeMs < newestMtime(src))
    runBuildStep('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  runBuildStep('hack/bundle-client-node.ts', []);
}

/** `controller_clientset_k8s_request_total` samples from a Prometheus text exposition. */
export function parseRequestCounts(metricsText: string): RequestCount[] {
  const counts: RequestCount[] = [];
  for (const line of metricsText.split('\n')) {
    const m = /^controller_clientset_k8s_request_total\{([^}]*)\}\s+([0-9.e+]+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    counts.push({
      kind: labels['kind'] ?? '',
      namespace: labels['namespace'] ?? '',
      verb: labels['verb'] ?? '',
      statusCode: labels['status_code'] ?? '',
      count: Number(m[2]),
    });
  }
  return counts;
}

export const WRITE_VERBS = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);

/** One `/proc/<pid>/status` size in KiB (VmHWM: peak resident set, VmRSS: resident now), while the process lives. */
function statusKib(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of process `pid` in KiB (VmHWM), while it lives. */
export function peakRssKib(pid: number): number | undefined {
  return statusKib(pid, 'VmHWM');
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export class ControllerProcess {
  readonly name: string;
  readonly metricsPort: number;
  readonly healthzPort: number;
  private readonly proc: Managed;

  private constructor(name: string, proc: Managed, metricsPort: number, healthzPort: number) {
    this.name = name;
    this.proc = proc;
    this.metricsPort = metricsPort;
    this.healthzPort = healthzPort;
  }

  static async start(options: ControllerOptions): Promise<ControllerProcess> {
    const [metricsPort, healthzPort] = [await freePort(), await freePort()];
    const args = [...(options.nodeArgs ?? []), CLI_ENTRY, 'controller', '--kubeconfig', options.kubeconfig];
    args.push('--metrics-port', String(metricsPort), '--healthz-port', String(healthzPort));
    args.push('--workers', String(options.workers ?? 4));
    if (options.leaderElect) args.push('--leader-elect');
    if (options.leaseNamespace) args.push('--lease-namespace', options.leaseNamespace);
    if (options.namespace) args.push('--namespace', options.namespace);
    args.push(...(options.extraArgs ?? []));
    const env = {
      ...process.env,
      ...CONTROLLER_ENV,
      POD_NAME: options.name,
      ...(options.podNamespace ? { POD_NAMESPACE: options.podNamespace } : {}),
    };
    const proc = startProcess(options.name, process.execPath, args, options.logDir, env);
    return new ControllerProcess(options.name, proc, metricsPort, healthzPort);
  }

  get pid(): number {
    return this.proc.pid;
  }

  get logFile(): string {
    return this.proc.logFile;
  }

  alive(): boolean {
    return isAlive(this.proc.pid);
  }

  /** Waits for /readyz (caches synced); fails at once, with the log tail, if the process died. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `controller ${this.name} /readyz`,
      async () => {
        this.proc.assertAlive();
        const res = await fetch(`http://127.0.0.1:${this.healthzPort}/readyz`);
        return res.status;
      },
      (status) => status === 200,
      { timeoutMs, intervalMs: 100 },
    );
  }

  async metricsText(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    return res.text();
  }

  async requestCounts(): Promise<RequestCount[]> {
    return parseRequestCounts(await this.metricsText());
  }

  /** Writes to the objects a Rollout drives (not Leases or Events). */
  async workloadWrites(): Promise<number> {
    return (await this.requestCounts())
      .filter((c) => WRITE_VERBS.has(c.verb) && c.kind !== 'Lease' && c.kind !== 'Event')
      .reduce((sum, c) => sum + c.count, 0);
  }

  /** The controller's JSON log records (pino), skipping anything that is not JSON. */
  logRecords(): Record<string, unknown>[] {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    return text.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  logTail(lines = 40): string {
    return logTail(this.logFile, lines);
  }

  /** Peak resident set size in KiB (VmHWM), while the process lives. */
  peakRssKib(): number | undefined {
    return peakRssKib(this.pid);
  }

  /** Resident set size now in KiB (VmRSS), while the process lives. */
  rssKib(): number | undefined {
    return statusKib(this.pid, 'VmRSS');
  }

  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number | undefined {
    return cpuSeconds(this.pid);
  }

  /** SIGKILL, then wait until the process is gone. */
  async crash(): Promise<void> {
    killGroupNow(this.proc.pid);
    while (this.alive()) await sleep(20);
  }

  async stop(): Promise<void> {
    if (this.alive()) await killGroup(this.proc.pid, 5_000);
  }
}
