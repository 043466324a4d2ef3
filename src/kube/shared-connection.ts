/**
 * @kubernetes/client-node 2.0.1 builds a new undici Agent in `KubeConfig.applySecurityAuthentication` for every
 * request, so every API call opens a new TLS connection (handshake, a fresh SecureContext, the CA file re-read).
 * Under load that dominated the controller's CPU (bench:cluster). This wrapper keeps client-node's authentication
 * (headers, tokens, exec plugins) and swaps the per-request dispatcher for the first one, kept alive and reused.
 */
import type { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** A KubeConfig view whose API clients share one connection pool; pass it to `makeApiClient`. */
export function withSharedConnections(kubeConfig: KubeConfig): KubeConfig {
  let shared: Dispatcher | undefined;
  const view = Object.create(kubeConfig) as KubeConfig;
  view.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    await kubeConfig.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return;
    shared ??= fresh;
    if (fresh !== shared) context.setDispatcher(shared);
  };
  return view;
}
