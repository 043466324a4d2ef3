/**
 * The control-plane processes: etcd, kube-apiserver (static token auth,
 * self-signed serving certificate) and kube-controller-manager, each with its
 * flags, a free loopback port and a readiness check.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlaneOptions } from './control-plane.ts';
import type { KubeAccess } from './kube-http.ts';
import { kubeRequest, waitFor } from './kube-http.ts';
import type { Managed } from './processes.ts';
import { freePort, startProcess } from './processes.ts';

/** Entries of the work dir that hold cluster data (removed on stop). */
const DATA_ENTRIES = [
  'etcd',
  'certs',
  'kcm-certs',
  'sa.key',
  'tokens.csv',
  'kubeconfig',
  'audit-policy.yaml',
  'audit.log',
];

/** The audit log (JSON lines) of every request made by a ServiceAccount of the `truesplit` namespace. */
export const AUDIT_LOG = 'audit.log';
/**
 * Metadata level (verb, resource, user, response code; no bodies) for the controller's namespace's ServiceAccounts
 * only, once per request: what e2e/rbac-audit.e2e.test.ts compares with deploy/rbac.
 */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts:truesplit"]
  - level: None
`;

export interface Ctx {
  opts: ControlPlaneOptions;
  workDir: string;
  binDir: string;
  token: string;
  procs: Managed[];
  timeoutMs: number;
  log: (msg: string) => void;
}

export function removeData(workDir: string): void {
  for (const entry of DATA_ENTRIES) rmSync(join(workDir, entry), { recursive: true, force: true });
}

export function prepareWorkDir(ctx: Ctx): void {
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
    const file = join(ctx.binDir, b);
    if (!existsSync(file)) throw new Error(`${file} is missing; run hack/build-control-plane.sh`);
  }
  removeData(ctx.workDir);
  mkdirSync(join(ctx.workDir, 'logs'), { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(ctx.workDir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(join(ctx.workDir, 'tokens.csv'), `${ctx.token},admin,admin,"system:masters"\n`, {
    mode: 0o600,
  });
  writeFileSync(join(ctx.workDir, 'audit-policy.yaml'), AUDIT_POLICY);
}

export function start(ctx: Ctx, name: string, args: string[]): Managed {
  const p = startProcess(name, join(ctx.binDir, name), args, join(ctx.workDir, 'logs'));
  ctx.procs.push(p);
  return p;
}

export async function startEtcd(ctx: Ctx): Promise<string> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const p = start(ctx, 'etcd', [
    `--data-dir=${join(ctx.workDir, 'etcd')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ]);
  await waitFor(
    'etcd /health',
    ctx.timeoutMs,
    async () => {
      p.assertAlive();
      const res = await fetch(`${url}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === 'true' ? true : undefined;
    },
    100,
  );
  return url;
}

export async function startApiserver(ctx: Ctx, etcdUrl: string): Promise<KubeAccess & { caFile: string }> {
  const port = await freePort();
  const d = ctx.workDir;
  const p = start(ctx, 'kube-apiserver', [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(d, 'certs')}`,
    `--token-auth-file=${join(d, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${join(d, 'sa.key')}`,
    `--service-account-signing-key-file=${join(d, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    `--audit-policy-file=${join(d, 'audit-policy.yaml')}`,
    `--audit-log-path=${join(d, AUDIT_LOG)}`,
    '--audit-log-format=json',
    '--audit-log-mode=blocking',
    ...(ctx.opts.apiserverArgs ?? []),
  ]);
  const access = {
    server: `https://127.0.0.1:${port}`,
    token: ctx.token,
    caFile: join(d, 'certs/apiserver.crt'),
  };
  await waitFor('kube-apiserver /readyz', ctx.timeoutMs, async () => {
    p.assertAlive();
    if (!existsSync(access.caFile)) return undefined;
    return (await kubeRequest(access, 'GET', '/readyz')).status === 200 ? true : undefined;
  });
  await waitFor('namespace default', ctx.timeoutMs, async () =>
    (await kubeRequest(access, 'GET', '/api/v1/namespaces/default')).status === 200 ? true : undefined,
  );
  return access;
}

export function writeKubeconfig(ctx: Ctx, access: KubeAccess & { caFile: string }): string {
  const path = join(ctx.workDir, 'kubeconfig');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: truesplit-e2e',
    `    cluster: {server: "${access.server}", certificate-authority: "${access.caFile}"}`,
    'users:',
    `  - name: admin`,
    `    user: {token: "${access.token}"}`,
    'contexts:',
    '  - name: truesplit-e2e',
    '    context: {cluster: truesplit-e2e, user: admin, namespace: default}',
    'current-context: truesplit-e2e',
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export async function startKcm(ctx: Ctx, kubeconfig: string): Promise<void> {
  const port = await freePort();
  const d = ctx.workDir;
  const p = start(ctx, 'kube-controller-manager', [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    // the apiserver has no client CA, so the extension-apiserver-authentication
    // ConfigMap never appears; looking it up only logs errors every second
    '--authentication-skip-lookup=true',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(d, 'kcm-certs')}`,
    '--leader-elect=false',
    `--service-account-private-key-file=${join(d, 'sa.key')}`,
    `--root-ca-file=${join(d, 'certs/apiserver.crt')}`,
    '--kube-api-qps=100',
    '--kube-api-burst=200',
    '--profiling=false',
  ]);
  p.assertAlive();
}
