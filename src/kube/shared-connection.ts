/**
 * @kubernetes/client-node 2.0.1 builds a new undici Agent in `KubeConfig.applySecurityAuthentication` for every
 * request, so every API call opens a new TLS connection (handshake, a fresh SecureContext, the CA file re-read).
 * Under load that dominated the controller's CPU (bench:cluster). This wrapper keeps client-node's authentication
 * (headers, tokens, exec plugins) and swaps the per-request dispatcher for one kept alive and reused — until the
 * TLS files it was built from (CA, client certificate, client key) change on disk: then the next request gets a
 * connection with the rotated material and the old pool is closed once its requests finish. Bearer tokens need no
 * help: client-node puts them in each request's headers and re-reads token files every minute.
 *
 * Every request also gets a hard deadline (`requestTimeoutMs`): an API server that accepts the connection and never
 * answers cannot hold a reconcile or a Lease renewal forever. Watches do not come through here.
 */
import { statSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface SharedConnectionOptions {
  /** Abort a request (and reading its response) after this long. Default 30 s; 0 disables. */
  requestTimeoutMs?: number;
}

/** The files the TLS material is read from, as `path:size:mtime:inode` (empty when all is inline data). */
function tlsFingerprint(kubeConfig: KubeConfig): string {
  const files = [
    kubeConfig.getCurrentCluster()?.caFile,
    kubeConfig.getCurrentUser()?.certFile,
    kubeConfig.getCurrentUser()?.keyFile,
  ].filter((f): f is string => typeof f === 'string' && f !== '');
  return files
    .map((file) => {
      try {
        const s = statSync(file);
        return `${file}:${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return `${file}:missing`;
      }
    })
    .join('|');
}

/** A KubeConfig view whose API clients share one connection pool; pass it to `makeApiClient`. */
export function withSharedConnections(
  kubeConfig: KubeConfig,
  options: SharedConnectionOptions = {},
): KubeConfig {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let shared: { dispatcher: Dispatcher; fingerprint: string } | undefined;
  const view = Object.create(kubeConfig) as KubeConfig;
  view.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    await kubeConfig.applySecurityAuthentication(context);
    if (timeoutMs > 0) context.setSignal(AbortSignal.timeout(timeoutMs));
    const fresh = context.getDispatcher();
    if (!fresh) return;
    const fingerprint = tlsFingerprint(kubeConfig);
    if (shared && shared.fingerprint !== fingerprint) {
      void shared.dispatcher.close().catch(() => undefined);
      shared = undefined;
    }
    shared ??= { dispatcher: fresh, fingerprint };
    if (fresh !== shared.dispatcher) context.setDispatcher(shared.dispatcher);
  };
  return view;
}
