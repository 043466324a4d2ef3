/** Kubeconfig loading that refuses client-node's silent fallback to http://localhost:8080. */
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
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new Error(
      `${NO_CLUSTER_MESSAGE} (context "${kc.getCurrentContext()}" names no cluster with a server)`,
    );
  }
  return kc;
}
