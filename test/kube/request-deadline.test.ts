/**
 * Every API call has a hard deadline, and the shared connection pool follows rotated TLS files. The server here
 * accepts requests and never answers, as a blackholed or wedged API server would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCluster } from '../../src/kube/client-cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import { withSharedConnections } from '../../src/kube/shared-connection.js';

let server: Server;
let kubeconfigPath = '';
let received = 0;

beforeAll(async () => {
  server = createServer(() => received++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'truesplit-deadline-')), 'config');
  writeFileSync(
    kubeconfigPath,
    `apiVersion: v1
kind: Config
clusters: [{name: hang, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: hang, context: {cluster: hang, user: u}}]
current-context: hang
`,
  );
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('request deadline', () => {
  it.each([
    { verb: 'get', call: (c: ClientCluster) => c.get('Lease', 'ns', 'lock') },
    { verb: 'patch', call: (c: ClientCluster) => c.patch('Rollout', 'ns', 'web', { metadata: {} }) },
    { verb: 'list', call: (c: ClientCluster) => c.list('ReplicaSet') },
  ])('a $verb the server never answers fails with 504 Timeout after the deadline', async ({ call }) => {
    const cluster = new ClientCluster(loadKubeConfig({ kubeconfig: kubeconfigPath }), {
      requestTimeoutMs: 200,
    });
    const before = received;
    const started = Date.now();
    const error = await call(cluster).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KubeApiError);
    expect([(error as KubeApiError).code, (error as KubeApiError).reason]).toEqual([504, 'Timeout']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(received).toBe(before + 1);
  });
});

describe('shared connections', () => {
  type Context = Parameters<KubeConfig['applySecurityAuthentication']>[0];

  /** A KubeConfig stand-in that, like client-node, builds a new dispatcher for every request. */
  function fakeKubeConfig(certFile: string) {
    let built = 0;
    const closed: number[] = [];
    const kubeConfig = {
      getCurrentCluster: () => ({ name: 'c', server: 'https://x', skipTLSVerify: false }),
      getCurrentUser: () => ({ name: 'u', certFile, keyFile: certFile }),
      applySecurityAuthentication: (context: Context) => {
        const id = ++built;
        context.setDispatcher({ id, close: () => Promise.resolve(closed.push(id)) } as never);
        return Promise.resolve();
      },
    } as unknown as KubeConfig;
    return { kubeConfig, closed };
  }

  async function dispatcherOf(view: KubeConfig): Promise<number> {
    let dispatcher: { id: number } | undefined;
    const context = {
      setDispatcher: (d: { id: number }) => (dispatcher = d),
      getDispatcher: () => dispatcher,
      setSignal: () => undefined,
    } as unknown as Context;
    await view.applySecurityAuthentication(context);
    return dispatcher!.id;
  }

  it('reuses one pool, and replaces it (closing the old one) when the client certificate rotates', async () => {
    const certFile = join(mkdtempSync(join(tmpdir(), 'truesplit-cert-')), 'tls.crt');
    writeFileSync(certFile, 'first certificate');
    const { kubeConfig, closed } = fakeKubeConfig(certFile);
    const view = withSharedConnections(kubeConfig);
    const before = [await dispatcherOf(view), await dispatcherOf(view)];
    writeFileSync(certFile, 'the rotated certificate, longer');
    const after = [await dispatcherOf(view), await dispatcherOf(view)];
    expect([before, after, closed]).toEqual([[1, 1], [3, 3], [1]]);
  });
});
