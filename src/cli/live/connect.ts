/**
 * How live commands reach a cluster. The connection is a factory on the command's `io` (tests hand in a
 * MemoryCluster); the default loads the kubeconfig like kubectl and refuses client-node's silent fallback to
 * http://localhost:8080.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '../../kube/cluster.js';
import type { CliIo } from '../command.js';

/** Which cluster: `--kubeconfig` and `--context`, as kubectl reads them. */
export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

export interface ClusterConnection {
  cluster: Cluster;
  /** The kubeconfig context's namespace, else `default`: what `-n` defaults to. */
  defaultNamespace: string;
}

export type ConnectCluster = (target: KubeTarget) => ClusterConnection | Promise<ClusterConnection>;

/** What live commands read from `io` beyond CliIo. Every field is optional: `main.ts` passes none. */
export interface LiveIo extends CliIo {
  /** Opens the cluster; default: kubeconfig + client-node. */
  connect?: ConnectCluster;
  /** Wall clock in epoch milliseconds (`restart --in`, watch timeouts); default `Date.now`. */
  now?: () => number;
  /** Ends `-w` loops early (the caller's Ctrl-C handling, a test's teardown). */
  signal?: AbortSignal;
}

/** The cluster cannot be reached because nothing says where it is: exit code 2, like unreadable input. */
export class NoClusterError extends Error {
  override readonly name = 'NoClusterError';
}

export function namespaceOf(kubeConfig: KubeConfig): string {
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  return context?.namespace || 'default';
}

/**
 * The Kubernetes client (a 6 MB bundle) is imported here, when a command opens a cluster, so commands that read
 * files (`analyze -f`, `lint`, `simulate`) never load it (ADR 0306).
 */
export const connectWithKubeConfig: ConnectCluster = async (target) => {
  const { loadKubeConfig, NO_CLUSTER_MESSAGE } = await import('../../kube/kubeconfig.js');
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig({
      ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
      ...(target.context ? { context: target.context } : {}),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new NoClusterError(
      message.startsWith(NO_CLUSTER_MESSAGE) ? `${message}, or select a context with --context` : message,
    );
  }
  const { ClientCluster } = await import('../../kube/client-cluster.js');
  return { cluster: new ClientCluster(kubeConfig), defaultNamespace: namespaceOf(kubeConfig) };
};

export async function connectFor(io: CliIo, target: KubeTarget): Promise<ClusterConnection> {
  const connect = (io as LiveIo).connect ?? connectWithKubeConfig;
  return connect(target);
}

export function nowFor(io: CliIo): number {
  return ((io as LiveIo).now ?? Date.now)();
}

export function signalFor(io: CliIo): AbortSignal | undefined {
  return (io as LiveIo).signal;
}
