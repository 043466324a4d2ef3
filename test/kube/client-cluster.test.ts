import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClientCluster } from '../../src/kube/client-cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { loadKubeConfig, NO_CLUSTER_MESSAGE } from '../../src/kube/kubeconfig.js';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let kubeconfigPath = '';

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});
const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'shop', resourceVersion: '7' },
  spec: { strategy: {} },
};

function route(req: IncomingMessage, body: string): { code: number; json?: unknown; stream?: string[] } {
  const url = new URL(req.url ?? '/', 'http://x');
  const key = `${req.method} ${url.pathname}`;
  if (url.searchParams.get('watch') === 'true') {
    return {
      code: 200,
      stream: [
        JSON.stringify({
          type: 'ADDED',
          object: { metadata: { name: 'web', namespace: 'shop', resourceVersion: '8' }, spec: {} },
        }),
        JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 5 (8)') }),
      ],
    };
  }
  const table: Record<string, { code: number; json?: unknown }> = {
    'GET /apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web': { code: 200, json: rollout },
    'GET /apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/missing': {
      code: 404,
      json: status(404, 'NotFound', 'rollouts.argoproj.io "missing" not found'),
    },
    'PATCH /apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status': { code: 200, json: rollout },
    'PATCH /api/v1/namespaces/shop/services/web': {
      code: 200,
      json: {
        metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: JSON.parse(body || '{}').spec,
      },
    },
    'PUT /apis/networking.istio.io/v1/namespaces/shop/virtualservices/vs': {
      code: 409,
      json: status(409, 'Conflict', 'the object has been modified'),
    },
    'GET /apis/apps/v1/replicasets': {
      code: 200,
      json: {
        metadata: { resourceVersion: '42' },
        items: [{ metadata: { name: 'web-abc', namespace: 'shop' }, spec: { selector: {} } }],
      },
    },
    'POST /apis/coordination.k8s.io/v1/namespaces/shop/leases': { code: 201, json: JSON.parse(body || '{}') },
  };
  return table[key] ?? { code: 404, json: status(404, 'NotFound', `no route ${key}`) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
      });
      const answer = route(req, body);
      res.writeHead(answer.code, { 'Content-Type': 'application/json' });
      if (answer.stream) res.end(answer.stream.map((l) => `${l}\n`).join(''));
      else res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'truesplit-kc-'));
  kubeconfigPath = join(dir, 'config');
  writeFileSync(
    kubeconfigPath,
    `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}, {name: other, cluster: {server: "http://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: fake-ctx, context: {cluster: fake, user: u}}, {name: other-ctx, context: {cluster: other, user: u}}]
current-context: other-ctx
`,
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): ClientCluster {
  return new ClientCluster(loadKubeConfig({ kubeconfig: kubeconfigPath, context: 'fake-ctx' }));
}

describe('loadKubeConfig', () => {
  it('refuses client-node’s silent localhost:8080 fallback with a clear message', () => {
    const empty = mkdtempSync(join(tmpdir(), 'truesplit-home-'));
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', empty);
    vi.stubEnv('USERPROFILE', empty);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    try {
      expect(() => loadKubeConfig()).toThrow(NO_CLUSTER_MESSAGE);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    { name: 'honours --context', context: 'fake-ctx', expected: 'fake' },
    { name: 'defaults to the current context', context: undefined, expected: 'other' },
  ])('$name', ({ context, expected }) => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfigPath, ...(context ? { context } : {}) });
    expect(kc.getCurrentCluster()?.name).toBe(expected);
  });

  it('names the known contexts when --context is unknown', () => {
    expect(() => loadKubeConfig({ kubeconfig: kubeconfigPath, context: 'nope' })).toThrow(
      'context "nope" not found in kubeconfig (known: fake-ctx, other-ctx)',
    );
  });
});

describe('ClientCluster over a fake API server', () => {
  it('gets a custom resource through CustomObjectsApi', async () => {
    expect((await client().get('Rollout', 'shop', 'web')).metadata.resourceVersion).toBe('7');
  });

  it.each([
    {
      name: '404 NotFound',
      call: (c: ClientCluster) => c.get('Rollout', 'shop', 'missing'),
      code: 404,
      reason: 'NotFound',
    },
    {
      name: '409 Conflict',
      call: (c: ClientCluster) =>
        c.update('VirtualService', {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'vs', namespace: 'shop', resourceVersion: '1' },
          spec: {},
        }),
      code: 409,
      reason: 'Conflict',
    },
  ])('maps ApiException to KubeApiError: $name', async ({ call, code, reason }) => {
    const err = await call(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect([(err as KubeApiError).code, (err as KubeApiError).reason]).toEqual([code, reason]);
  });

  it.each([
    {
      name: 'a built-in kind',
      call: (c: ClientCluster) => c.patch('Service', 'shop', 'web', { spec: { selector: { a: 'b' } } }),
      path: '/api/v1/namespaces/shop/services/web',
    },
    {
      name: 'a CRD status subresource',
      call: (c: ClientCluster) =>
        c.patch('Rollout', 'shop', 'web', { status: { abort: true } }, { subresource: 'status' }),
      path: '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status',
    },
  ])('sends merge patches as application/merge-patch+json: $name', async ({ call, path }) => {
    await call(client());
    const request = seen.filter((s) => s.method === 'PATCH').at(-1)!;
    expect([request.url.split('?')[0], request.contentType]).toEqual([path, 'application/merge-patch+json']);
  });

  it('returns plain JSON with apiVersion and kind, dates as strings', async () => {
    const svc = await client().patch('Service', 'shop', 'web', { spec: { selector: { a: 'b' } } });
    expect([svc.apiVersion, svc.kind, typeof svc.metadata.creationTimestamp]).toEqual([
      'v1',
      'Service',
      'string',
    ]);
  });

  it('lists across namespaces with a label selector and fills in list items’ kind', async () => {
    const list = await client().list('ReplicaSet', {
      labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'Exists' }] },
    });
    expect([list.resourceVersion, list.items[0]?.kind, list.items[0]?.apiVersion]).toEqual([
      '42',
      'ReplicaSet',
      'apps/v1',
    ]);
    expect(decodeURIComponent(seen.at(-1)!.url)).toContain('labelSelector=rollouts-pod-template-hash');
  });

  it('creates a Lease through CoordinationV1Api', async () => {
    const lease = await client().create('Lease', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l', namespace: 'shop' },
      spec: { holderIdentity: 'me' },
    });
    expect(lease.spec.holderIdentity).toBe('me');
  });

  it('streams watch events and ends with 410 Gone on an ERROR event', async () => {
    const events: string[] = [];
    const error = await new Promise<Error | undefined>((resolve) => {
      client().watch(
        'Service',
        { namespace: 'shop', resourceVersion: '5', allowWatchBookmarks: true },
        (e) => events.push(`${e.type} ${e.object.kind}/${e.object.metadata.name}`),
        resolve,
      );
    });
    expect(events).toEqual(['ADDED Service/web']);
    expect([(error as KubeApiError).code, seen.at(-1)!.url]).toEqual([
      410,
      '/api/v1/namespaces/shop/services?watch=true&resourceVersion=5&allowWatchBookmarks=true',
    ]);
  });
});
