/**
 * npm run cluster -- up | down | status
 *
 *   up      build the binaries if needed, start etcd, kube-apiserver,
 *           kube-controller-manager and the pod-ready helper in the
 *           background, install CRDs, print the kubeconfig path
 *   down    stop every process `up` started and remove the cluster data
 *   status  report the processes and /readyz
 *
 * State lives in .cache/cluster/ (state.json, kubeconfig, logs/).
 * `pod-helper` is internal: `up` runs the helper with it as a detached process.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from './control-plane.ts';
import { REPO_ROOT, removeData, startControlPlane } from './control-plane.ts';
import { kubeRequest } from './kube-http.ts';
import * as podReadyHelper from './pod-ready-helper.ts';
import type { ProcessRecord } from './processes.ts';
import { isAlive, killGroup } from './processes.ts';

const CLUSTER_DIR = join(REPO_ROOT, '.cache/cluster');
const STATE_FILE = join(CLUSTER_DIR, 'state.json');

interface State {
  workDir: string;
  kubeconfigPath: string;
  server: string;
  token: string;
  caFile: string;
  processes: ProcessRecord[];
  startedAt: string;
  timings: Record<string, number>;
}

function readState(): State | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State;
}

function log(msg: string): void {
  console.log(`cluster: ${msg}`);
}

async function up(): Promise<number> {
  const state = readState();
  if (state !== undefined && state.processes.every((p) => isAlive(p.pid))) {
    log(`already running at ${state.server}`);
    console.log(state.kubeconfigPath);
    return 0;
  }
  if (state !== undefined) await down();
  const t0 = Date.now();
  const plane: ControlPlane = await startControlPlane({
    workDir: CLUSTER_DIR,
    podHelper: 'process',
    persistent: true,
    log,
    readyDelayMs: Number(process.env['TRUESPLIT_E2E_READY_DELAY_MS'] ?? 0),
  });
  const record: State = {
    workDir: plane.workDir,
    kubeconfigPath: plane.kubeconfigPath,
    server: plane.server,
    token: plane.token,
    caFile: plane.caFile,
    processes: plane.processes,
    startedAt: new Date().toISOString(),
    timings: plane.timings,
  };
  writeFileSync(STATE_FILE, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${plane.server}; CRDs: ${plane.crds.length}`);
  log(`export KUBECONFIG=${plane.kubeconfigPath}`);
  console.log(plane.kubeconfigPath);
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (state === undefined) {
    log('not running');
    return 0;
  }
  for (const p of [...state.processes].reverse()) {
    if (isAlive(p.pid)) log(`stopping ${p.name} (pid ${p.pid})`);
    await killGroup(p.pid);
  }
  removeData(state.workDir);
  rmSync(STATE_FILE, { force: true });
  log('down');
  return 0;
}

async function status(): Promise<number> {
  const state = readState();
  if (state === undefined) {
    log('not running');
    return 1;
  }
  let healthy = true;
  for (const p of state.processes) {
    const alive = isAlive(p.pid);
    healthy &&= alive;
    log(`${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${alive ? 'running' : 'STOPPED'}  ${p.logFile}`);
  }
  const readyz = await kubeRequest(state, 'GET', '/readyz').catch((err: unknown) => ({
    status: 0,
    body: String(err),
  }));
  healthy &&= readyz.status === 200;
  log(`${state.server}/readyz -> ${readyz.status === 0 ? String(readyz.body) : readyz.status}`);
  log(`kubeconfig ${state.kubeconfigPath} (started ${state.startedAt})`);
  return healthy ? 0 : 1;
}

/** Runs the pod-ready helper in the foreground until SIGTERM (used by `up`). */
async function podHelper(): Promise<number> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  };
  const access = {
    server: env('TRUESPLIT_E2E_SERVER'),
    token: env('TRUESPLIT_E2E_TOKEN'),
    caFile: env('TRUESPLIT_E2E_CA'),
  };
  const readyDelayMs = Number(process.env['TRUESPLIT_E2E_READY_DELAY_MS'] ?? 0);
  const helper = await podReadyHelper.start(access, {
    readyDelayMs,
    log: (msg) => console.error(`${new Date().toISOString()} ${msg}`),
  });
  console.error(`${new Date().toISOString()} pod-ready helper running against ${access.server}`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await helper.stop();
  return 0;
}

const commands: Record<string, () => Promise<number>> = { up, down, status, 'pod-helper': podHelper };

async function main(argv: string[]): Promise<number> {
  const command = commands[argv[0] ?? ''];
  if (command === undefined) {
    console.error('usage: npm run cluster -- up | down | status');
    return 2;
  }
  return command();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
