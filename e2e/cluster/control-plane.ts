/**
 * A real, local Kubernetes control plane for e2e tests: etcd, kube-apiserver
 * and kube-controller-manager built from Go modules (hack/kubebins), plus the
 * pod-ready helper standing in for kube-scheduler and the kubelet.
 * See docs/real-cluster.md and docs/adr/0005-e2e-control-plane.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ctx } from './components.ts';
import {
  prepareWorkDir,
  removeData,
  startApiserver,
  startEtcd,
  startKcm,
  writeKubeconfig,
} from './components.ts';
import { installCrds } from './crds.ts';
import type { KubeAccess } from './kube-http.ts';
import { kubeRequest, waitFor } from './kube-http.ts';
import * as podReadyHelper from './pod-ready-helper.ts';
import type { ProcessRecord } from './processes.ts';
import { killGroup, killGroupNow, startProcess } from './processes.ts';

export { removeData };

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_CRD_DIRS = [
  resolve(REPO_ROOT, '../shared/crds/istio'),
  resolve(REPO_ROOT, 'deploy/crds'),
];

export interface ControlPlaneOptions {
  /** default: a fresh temp dir, removed by stop() */
  workDir?: string;
  /** default: $TRUESPLIT_BIN_DIR or <repo>/.cache/bin */
  binDir?: string;
  /** run hack/build-control-plane.sh first (a no-op when up to date); default true */
  build?: boolean;
  /** where the pod-ready helper runs; 'process' survives this process (CLI) */
  podHelper?: 'in-process' | 'process' | 'none';
  readyDelayMs?: number;
  /** directories with CRD YAML; default: ../shared/crds/istio and deploy/crds */
  crdDirs?: string[];
  startTimeoutMs?: number;
  /** keep processes running when this Node process exits (CLI `up`) */
  persistent?: boolean;
  /** extra kube-apiserver flags, appended last so they override the defaults (e.g. another `--audit-policy-file=…`) */
  apiserverArgs?: string[];
  log?: (msg: string) => void;
}

export interface ControlPlane extends KubeAccess {
  kubeconfigPath: string;
  caFile: string;
  workDir: string;
  processes: ProcessRecord[];
  crds: string[];
  /** milliseconds per start-up phase */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export function binDir(opts: ControlPlaneOptions = {}): string {
  return opts.binDir ?? process.env['TRUESPLIT_BIN_DIR'] ?? join(REPO_ROOT, '.cache/bin');
}

/** Builds the binaries unless up to date; throws when the build fails. */
export function buildBinaries(dir: string): void {
  const script = join(REPO_ROOT, 'hack/build-control-plane.sh');
  const res = spawnSync('bash', [script], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TRUESPLIT_BIN_DIR: dir },
  });
  if (res.status !== 0) throw new Error(`${script} failed (exit ${res.status ?? res.signal})`);
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const ctx: Ctx = {
    opts,
    workDir: opts.workDir ?? mkdtempSync(join(tmpdir(), 'truesplit-cp-')),
    binDir: binDir(opts),
    token: randomBytes(24).toString('hex'),
    procs: [],
    timeoutMs: opts.startTimeoutMs ?? 120_000,
    log: opts.log ?? (() => undefined),
  };
  const onExit = () => ctx.procs.forEach((p) => killGroupNow(p.pid));
  if (opts.persistent !== true) process.once('exit', onExit);
  try {
    const plane = await boot(ctx);
    const stop = plane.stop;
    plane.stop = async () => (process.off('exit', onExit), stop());
    return plane;
  } catch (err) {
    process.off('exit', onExit);
    await teardown(ctx, undefined);
    throw err;
  }
}

async function boot(ctx: Ctx): Promise<ControlPlane> {
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = Date.now();
    const out = await fn();
    timings[name] = Date.now() - t0;
    ctx.log(`${name}: ${timings[name]} ms`);
    return out;
  };
  if (ctx.opts.build !== false) await phase('build', () => buildBinaries(ctx.binDir));
  prepareWorkDir(ctx);
  const etcdUrl = await phase('etcd', () => startEtcd(ctx));
  const access = await phase('kube-apiserver', () => startApiserver(ctx, etcdUrl));
  const kubeconfigPath = writeKubeconfig(ctx, access);
  await phase('kube-controller-manager', () => startKcm(ctx, kubeconfigPath));
  const helper = await phase('pod-ready-helper', () => startHelper(ctx, access));
  const crdDirs = ctx.opts.crdDirs ?? DEFAULT_CRD_DIRS;
  for (const dir of crdDirs.filter((d) => !existsSync(d))) ctx.log(`no CRDs installed from ${dir} (missing)`);
  const crds = await phase('crds', () => installCrds(access, crdDirs));
  await phase('controllers', () => waitForControllers(ctx, access));
  return {
    ...access,
    kubeconfigPath,
    workDir: ctx.workDir,
    processes: ctx.procs.map(({ name, pid, logFile }) => ({ name, pid, logFile })),
    crds,
    timings,
    stop: () => teardown(ctx, helper),
  };
}

async function teardown(ctx: Ctx, helper: podReadyHelper.PodReadyHelper | undefined): Promise<void> {
  await helper?.stop();
  for (const p of [...ctx.procs].reverse()) await killGroup(p.pid);
  ctx.procs = [];
  if (ctx.opts.workDir === undefined && process.env['TRUESPLIT_E2E_KEEP'] === undefined) {
    rmSync(ctx.workDir, { recursive: true, force: true });
  } else {
    removeData(ctx.workDir);
  }
}

async function startHelper(ctx: Ctx, access: KubeAccess & { caFile: string }) {
  const mode = ctx.opts.podHelper ?? 'in-process';
  if (mode === 'none') return undefined;
  const readyDelayMs = ctx.opts.readyDelayMs ?? 0;
  if (mode === 'in-process') return podReadyHelper.start(access, { readyDelayMs, log: ctx.log });
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const env = {
    ...process.env,
    TRUESPLIT_E2E_SERVER: access.server,
    TRUESPLIT_E2E_TOKEN: access.token,
    TRUESPLIT_E2E_CA: access.caFile,
    TRUESPLIT_E2E_READY_DELAY_MS: String(readyDelayMs),
  };
  const p = startProcess(
    'pod-ready-helper',
    process.execPath,
    [cli, 'pod-helper'],
    join(ctx.workDir, 'logs'),
    env,
  );
  ctx.procs.push(p);
  return undefined;
}

/** KCM is up once its service-account controller has created default/default; then the node. */
async function waitForControllers(ctx: Ctx, access: KubeAccess): Promise<void> {
  const kcm = ctx.procs.find((p) => p.name === 'kube-controller-manager');
  await waitFor('kube-controller-manager (ServiceAccount default/default)', ctx.timeoutMs, async () => {
    kcm?.assertAlive();
    const res = await kubeRequest(access, 'GET', '/api/v1/namespaces/default/serviceaccounts/default');
    return res.status === 200 ? true : undefined;
  });
  if (ctx.opts.podHelper === 'none') return;
  const helper = ctx.procs.find((p) => p.name === 'pod-ready-helper');
  await waitFor(`node ${podReadyHelper.NODE_NAME}`, ctx.timeoutMs, async () => {
    helper?.assertAlive();
    const res = await kubeRequest(access, 'GET', `/api/v1/nodes/${podReadyHelper.NODE_NAME}`);
    return res.status === 200 ? true : undefined;
  });
}
