/** Kubeconfig loading that refuses client-node's silent fallback to http://localhost:8080. */
import { readFileSync } from 'node:fs';
import type { Cluster, User } from '@kubernetes/client-node';
import { KubeConfig } from './client-node.js';

export interface KubeConfigOptions {
  /** Path from --kubeconfig; otherwise KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** Context from --context; otherwise the kubeconfig's current context. */
  context?: string;
}

export const NO_CLUSTER_MESSAGE = 'no cluster configured: set --kubeconfig or KUBECONFIG';

/** client-node's last resort when it finds nothing: one cluster "cluster" at http://localhost:8080, user "user". */
function isLocalhostFallback(kc: KubeConfig): boolean {
  const cluster = kc.getCurrentCluster();
  return (
    kc.getCurrentContext() === 'loaded-context' &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    kc.getCurrentUser()?.name === 'user'
  );
}

export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) {
    try {
      kc.loadFromFile(options.kubeconfig);
    } catch (err) {
      throw new Error(`cannot read kubeconfig ${options.kubeconfig}: ${(err as Error).message}`);
    }
  } else {
    kc.loadFromDefault();
    if (isLocalhostFallback(kc)) throw new Error(NO_CLUSTER_MESSAGE);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(
        `context "${options.context}" not found in kubeconfig (known: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  inlineFileCredentials(kc);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new Error(
      `${NO_CLUSTER_MESSAGE} (context "${kc.getCurrentContext()}" names no cluster with a server)`,
    );
  }
  return kc;
}

/**
 * client-node reads `caFile`, `certFile` and `keyFile` from disk on every request (a fifth of the controller's CPU
 * under load); client-go reads them once when it builds its transport. The current context's files are read here,
 * once, and kept as data. Tokens are not touched: client-node re-reads a token file on its own schedule, as
 * client-go does, so a rotated service-account token is still picked up.
 */
function inlineFileCredentials(kc: KubeConfig): void {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => (c === cluster ? inlineCluster(c) : c)),
    users: kc.users.map((u) => (u === user ? inlineUser(u) : u)),
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
}

function inlineCluster(cluster: Cluster): Cluster {
  if (!cluster.caFile) return cluster;
  const { caFile, ...rest } = cluster;
  return { ...rest, caData: readCredential(caFile, `cluster "${cluster.name}" certificate-authority`) };
}

function inlineUser(user: User): User {
  let inlined: User = user;
  if (user.certFile) {
    const { certFile, ...rest } = inlined;
    inlined = { ...rest, certData: readCredential(certFile!, `user "${user.name}" client-certificate`) };
  }
  if (user.keyFile) {
    const { keyFile, ...rest } = inlined;
    inlined = { ...rest, keyData: readCredential(keyFile!, `user "${user.name}" client-key`) };
  }
  return inlined;
}

function readCredential(file: string, what: string): string {
  try {
    return readFileSync(file).toString('base64');
  } catch (err) {
    throw new Error(`cannot read the kubeconfig's ${what} ${file}: ${(err as Error).message}`);
  }
}
