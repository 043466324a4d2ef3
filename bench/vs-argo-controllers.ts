/**
 * The two controllers `npm run bench:vs-argo` compares, each started as its own OS process under its own
 * ServiceAccount and watching one namespace: truesplit (`node dist/cli/main.js controller`, shipped RBAC) and Argo
 * Rollouts' rollouts-controller built by hack/build-argo-rollouts.sh (RBAC in hack/argo-rollouts/rbac).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../e2e/cluster/control-plane.ts';
import { binDir, REPO_ROOT } from '../e2e/cluster/control-plane.ts';
import type { Managed } from '../e2e/cluster/processes.ts';
import { freePort, isAlive, killGroup, startProcess } from '../e2e/cluster/processes.ts';
import { provisionControllerIdentity } from '../e2e/support/controller-identity.ts';
import { ControllerProcess, cpuSeconds, peakRssKib } from '../e2e/support/controller-process.ts';
import type { E2eClient } from '../e2e/support/kube.ts';
import { waitFor } from '../e2e/support/wait-for.ts';

export type ControllerKind = 'truesplit' | 'argo';

export const USERNAMES: Record<ControllerKind, string> = {
  truesplit: 'system:serviceaccount:truesplit:truesplit-controller',
  argo: 'system:serviceaccount:argo-rollouts:argo-rollouts',
};

const ARGO_RBAC_DIR = join(REPO_ROOT, 'hack/argo-rollouts/rbac');
const ARGO_BIN = 'rollouts-controller';

export interface BenchController {
  pid: number;
  logFile: string;
  alive(): boolean;
  stop(): Promise<void>;
}

export function controllerCpuSeconds(c: BenchController): number {
  return cpuSeconds(c.pid) ?? Number.NaN;
}

export function controllerPeakRssKib(c: BenchController): number {
  return peakRssKib(c.pid) ?? Number.NaN;
}

/** Builds Argo's controller unless up to date; throws when the build fails. */
export function ensureArgoBuilt(): void {
  const script = join(REPO_ROOT, 'hack/build-argo-rollouts.sh');
  const res = spawnSync('bash', [script], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TRUESPLIT_BIN_DIR: binDir() },
  });
  if (res.status !== 0) throw new Error(`${script} failed (exit ${res.status ?? res.signal})`);
}

export interface StartOptions {
  plane: ControlPlane;
  admin: E2eClient;
  namespace: string;
  /** log file name and identity directory */
  name: string;
  workers: number;
}

export async function startController(kind: ControllerKind, o: StartOptions): Promise<BenchController> {
  const dir = join(o.plane.workDir, o.name);
  mkdirSync(dir, { recursive: true });
  if (kind === 'argo') return startArgo(o, dir);
  const identity = await provisionControllerIdentity(o.admin, o.plane, dir);
  const c = await ControllerProcess.start({
    kubeconfig: identity.kubeconfigPath,
    logDir: join(o.plane.workDir, 'logs'),
    name: o.name,
    namespace: o.namespace,
    workers: o.workers,
  });
  await c.waitReady(120_000);
  return c;
}

/** Argo's controller, namespaced, without leader election, on free metrics/healthz ports. */
async function startArgo(o: StartOptions, dir: string): Promise<BenchController> {
  const identity = await provisionControllerIdentity(o.admin, o.plane, dir, ARGO_RBAC_DIR);
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const args = [
    `--kubeconfig=${identity.kubeconfigPath}`,
    '--namespaced',
    `--namespace=${o.namespace}`,
    '--leader-elect=false',
    `--metricsPort=${metricsPort}`,
    `--healthzPort=${healthzPort}`,
    `--rollout-threads=${o.workers}`,
  ];
  const env = { ...process.env, POD_NAMESPACE: identity.namespace };
  const proc: Managed = startProcess(
    o.name,
    join(binDir(), ARGO_BIN),
    args,
    join(o.plane.workDir, 'logs'),
    env,
  );
  await waitFor(
    `${o.name} /healthz`,
    async () => {
      proc.assertAlive();
      return (await fetch(`http://127.0.0.1:${healthzPort}/healthz`).catch(() => undefined))?.status;
    },
    (status) => status === 200,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  return {
    pid: proc.pid,
    logFile: proc.logFile,
    alive: () => isAlive(proc.pid),
    stop: async () => (isAlive(proc.pid) ? killGroup(proc.pid, 5_000) : undefined),
  };
}
