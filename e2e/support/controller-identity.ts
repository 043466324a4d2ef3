/**
 * Runs the controller as the shipped ServiceAccount rather than as cluster admin: applies deploy/rbac/*.yaml
 * (ServiceAccount, ClusterRole, ClusterRoleBinding), asks the TokenRequest API (`serviceaccounts/token`) for a token,
 * and writes a kubeconfig that uses it.
 */
import * as k8s from '@kubernetes/client-node';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../cluster/control-plane.ts';
import type { E2eClient } from './kube.ts';

export const RBAC_DIR = join(REPO_ROOT, 'deploy/rbac');

export interface ControllerIdentity {
  namespace: string;
  serviceAccount: string;
  kubeconfigPath: string;
  /** the user name the apiserver sees: system:serviceaccount:<ns>:<name> */
  username: string;
}

function readManifests(dir: string): k8s.KubernetesObject[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as k8s.KubernetesObject),
    )
    .filter((o) => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

async function createOrReplace(client: k8s.KubernetesObjectApi, object: k8s.KubernetesObject): Promise<void> {
  try {
    await client.create(object);
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    const current = await client.read(object as Parameters<typeof client.read>[0]);
    const resourceVersion = current.metadata?.resourceVersion;
    await client.replace({
      ...object,
      metadata: { ...object.metadata, ...(resourceVersion ? { resourceVersion } : {}) },
    });
  }
}

/**
 * Applies the RBAC manifests in `rbacDir` (default: the shipped ones), issues a one-hour token for their
 * ServiceAccount and writes `<dir>/controller.kubeconfig`.
 */
export async function provisionControllerIdentity(
  admin: E2eClient,
  access: { server: string; caFile: string },
  dir: string,
  rbacDir = RBAC_DIR,
): Promise<ControllerIdentity> {
  const manifests = readManifests(rbacDir);
  const sa = manifests.find((m) => m.kind === 'ServiceAccount');
  if (!sa?.metadata?.name || !sa.metadata.namespace)
    throw new Error(`${rbacDir}: no namespaced ServiceAccount`);
  const namespace = sa.metadata.namespace;
  await createOrReplace(k8s.KubernetesObjectApi.makeApiClient(admin.kc), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  const client = k8s.KubernetesObjectApi.makeApiClient(admin.kc);
  for (const manifest of manifests) await createOrReplace(client, manifest);
  const tokenRequest = await admin.core.createNamespacedServiceAccountToken({
    name: sa.metadata.name,
    namespace,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [], expirationSeconds: 3600 },
    },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${sa.metadata.name} returned no token`);
  const kubeconfigPath = join(dir, 'controller.kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml(access.server, access.caFile, token, sa.metadata.name), {
    mode: 0o600,
  });
  return {
    namespace,
    serviceAccount: sa.metadata.name,
    kubeconfigPath,
    username: `system:serviceaccount:${namespace}:${sa.metadata.name}`,
  };
}

function kubeconfigYaml(server: string, caFile: string, token: string, user: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: e2e`,
    `    cluster: { server: "${server}", certificate-authority: "${caFile}" }`,
    'users:',
    `  - name: ${user}`,
    `    user: { token: "${token}" }`,
    'contexts:',
    `  - name: ${user}@e2e`,
    `    context: { cluster: e2e, user: ${user} }`,
    `current-context: ${user}@e2e`,
    '',
  ].join('\n');
}

/**
 * A second ServiceAccount `<shipped name>-<suffix>` bound to the shipped ClusterRole and Role, so the audit log
 * tells two replicas' requests apart; its kubeconfig is `<dir>/controller-<suffix>.kubeconfig`.
 */
export async function provisionReplicaIdentity(
  admin: E2eClient,
  access: { server: string; caFile: string },
  dir: string,
  base: ControllerIdentity,
  suffix: string,
): Promise<ControllerIdentity> {
  const name = `${base.serviceAccount}-${suffix}`;
  const namespace = base.namespace;
  const client = k8s.KubernetesObjectApi.makeApiClient(admin.kc);
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];
  const meta = (n: string, ns?: string) => ({ name: `${n}-${suffix}`, ...(ns ? { namespace: ns } : {}) });
  for (const manifest of readManifests(RBAC_DIR)) {
    const m = manifest as k8s.KubernetesObject & { roleRef?: unknown };
    if (m.kind === 'ServiceAccount') await createOrReplace(client, { ...m, metadata: { name, namespace } });
    if (m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding')
      await createOrReplace(client, {
        ...m,
        metadata: meta(m.metadata?.name ?? '', m.metadata?.namespace),
        subjects,
      } as k8s.KubernetesObject);
  }
  const tokenRequest = await admin.core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [], expirationSeconds: 3600 },
    },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  const kubeconfigPath = join(dir, `controller-${suffix}.kubeconfig`);
  writeFileSync(kubeconfigPath, kubeconfigYaml(access.server, access.caFile, token, name), { mode: 0o600 });
  return {
    namespace,
    serviceAccount: name,
    kubeconfigPath,
    username: `system:serviceaccount:${namespace}:${name}`,
  };
}

/** A copy of `kubeconfigPath` whose server is `https://127.0.0.1:<port>` (a proxy in front of the API server). */
export function kubeconfigVia(kubeconfigPath: string, port: number, suffix: string): string {
  const text = readFileSync(kubeconfigPath, 'utf8').replace(
    /server: "https:\/\/127\.0\.0\.1:\d+"/,
    `server: "https://127.0.0.1:${port}"`,
  );
  const path = kubeconfigPath.replace(/\.kubeconfig$/, `-${suffix}.kubeconfig`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
