/**
 * The dashboard server (node:http): the built UI, a REST API over the view models, an SSE stream of updates, and
 * the mutating verbs. Loopback by default; bound elsewhere, every POST needs `Authorization: Bearer <token>`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../kube/cluster.js';
import { isKubeApiError } from '../kube/errors.js';
import { ActionInputError, isRolloutAction, runRolloutAction } from './actions.js';
import {
  bearerMatches,
  HttpError,
  isLoopbackHost,
  originAllowed,
  readJsonBody,
  sendError,
  sendJson,
  serveStatic,
} from './http-util.js';
import type { RolloutStore } from './rollout-store.js';
import { SseHub } from './sse.js';

/** Sandbox-only operations the server exposes under /api/v1/sandbox. */
export interface SandboxHooks {
  /** Applies the fix for a finding; resolves with one line per change. */
  applyFix(body: unknown): Promise<{ option: string; changes: string[] }>;
  /** Fix options by finding code (shown as buttons). */
  fixOptions: Readonly<Record<string, readonly { id: string; label: string }[]>>;
}

export interface DashboardOptions {
  cluster: Cluster;
  store: RolloutStore;
  host?: string;
  port?: number;
  /** Built UI directory; default: `web/` next to this module (dist/dashboard/web). */
  webRoot?: string;
  /** Required for POSTs when not on loopback; default TRUESPLIT_DASHBOARD_TOKEN or a random one. */
  token?: string;
  sandbox?: SandboxHooks;
  /** Minimum time between two SSE pushes. Default 250 ms. */
  pushIntervalMs?: number;
}

export interface DashboardServer {
  url: string;
  host: string;
  port: number;
  /** Set when POSTs require it (non-loopback bind). */
  token: string | undefined;
  /** Pushes fresh views to SSE clients (throttled); call when observed shares change. */
  notify(): void;
  close(): Promise<void>;
}

export const DEFAULT_DASHBOARD_PORT = 3100;
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';

export async function startDashboardServer(options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const needsToken = !isLoopbackHost(host);
  const token = needsToken
    ? (options.token ?? process.env.TRUESPLIT_DASHBOARD_TOKEN ?? randomBytes(24).toString('base64url'))
    : undefined;
  const webRoot = options.webRoot ?? fileURLToPath(new URL('./web/', import.meta.url));
  const hub = new SseHub(options.store, options.pushIntervalMs ?? 250);
  const unsubscribe = options.store.onChange(() => hub.schedule());
  const context: RequestContext = {
    ...options,
    token,
    webRoot,
    hub,
    mode: options.sandbox ? 'sandbox' : 'cluster',
  };
  const server = createServer((req, res) => {
    handle(context, req, res).catch((err: unknown) => respondWithError(res, err));
  });
  await listen(server, host, options.port ?? DEFAULT_DASHBOARD_PORT);
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    host,
    port,
    token,
    notify: () => hub.schedule(),
    close: async () => {
      unsubscribe();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

interface RequestContext extends Omit<DashboardOptions, 'token' | 'webRoot'> {
  token: string | undefined;
  webRoot: string;
  hub: SseHub;
  mode: 'sandbox' | 'cluster';
}

const ROLLOUT_PATH = /^\/api\/v1\/rollouts\/([^/]+)\/([^/]+)(?:\/([a-z-]+))?$/;

async function handle(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
  const path = url.pathname;
  if (!path.startsWith('/api/')) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `${req.method ?? ''} not allowed`);
    return serveStatic(res, ctx.webRoot, path);
  }
  if (req.method === 'GET') return handleGet(ctx, url, req, res);
  if (req.method !== 'POST') throw new HttpError(405, `${req.method ?? ''} ${path}: use GET or POST`);
  authorise(ctx, req);
  const body = await readJsonBody(req);
  if (path === '/api/v1/sandbox/fix') {
    if (!ctx.sandbox) throw new HttpError(404, 'fixes can only be applied in the sandbox');
    return sendJson(res, 200, await ctx.sandbox.applyFix(body));
  }
  const match = ROLLOUT_PATH.exec(path);
  const action = match?.[3];
  if (!match || !action) throw new HttpError(404, `no such endpoint: POST ${path}`);
  if (!isRolloutAction(action)) throw new HttpError(404, `unknown action "${action}"`);
  const [ns, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
  await runRolloutAction(ctx.cluster, ns, name, action, body);
  sendJson(res, 200, { ok: true, action, rollout: `${ns}/${name}` });
}

function handleGet(ctx: RequestContext, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const path = url.pathname;
  if (path === '/api/v1/info') {
    return sendJson(res, 200, {
      mode: ctx.mode,
      authRequired: ctx.token !== undefined,
      fixOptions: ctx.sandbox?.fixOptions ?? {},
    });
  }
  if (path === '/api/v1/rollouts') return sendJson(res, 200, { items: ctx.store.summaries() });
  if (path === '/api/v1/events') {
    const ns = url.searchParams.get('namespace');
    const name = url.searchParams.get('name');
    ctx.hub.open(req, res, ns && name ? { namespace: ns, name } : undefined);
    return;
  }
  const match = ROLLOUT_PATH.exec(path);
  if (match && !match[3]) {
    const [ns, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
    const view = ctx.store.view(ns, name);
    if (!view) throw new HttpError(404, `Rollout ${ns}/${name} not found`);
    return sendJson(res, 200, view);
  }
  throw new HttpError(404, `no such endpoint: GET ${path}`);
}

function authorise(ctx: RequestContext, req: IncomingMessage): void {
  if (!originAllowed(req)) throw new HttpError(403, 'cross-origin requests are refused');
  if (ctx.token !== undefined && !bearerMatches(req, ctx.token)) {
    throw new HttpError(401, 'this dashboard is not on loopback: send Authorization: Bearer <token>');
  }
}

function respondWithError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) return sendError(res, err.status, err.message);
  if (err instanceof ActionInputError) return sendError(res, 400, err.message);
  if (err instanceof Error && err.name === 'FixError') return sendError(res, 400, err.message);
  if (isKubeApiError(err)) return sendError(res, err.code, err.message);
  sendError(res, 500, err instanceof Error ? err.message : String(err));
}
