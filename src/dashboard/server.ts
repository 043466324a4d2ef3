/**
 * The dashboard server (node:http): the built UI, a REST API over the view models, an SSE stream of updates, and
 * the mutating verbs. Every request passes the Host allow-list first, then needs the access token (bearer header,
 * or the session cookie the printed login URL sets); ADR 0061.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../kube/cluster.js';
import { isKubeApiError } from '../kube/errors.js';
import {
  allowedHostHeaders,
  hostAllowed,
  originAllowed,
  requestAuthenticated,
  resolveDashboardToken,
} from './access.js';
import { ActionInputError, isRolloutAction, runRolloutAction } from './actions.js';
import {
  decodePath,
  HttpError,
  parseTarget,
  readJsonBody,
  sendError,
  sendJson,
  serveStatic,
} from './http-util.js';
import { handleLogin, refuseUnauthenticated } from './login.js';
import type { RolloutStore } from './rollout-store.js';
import { DEFAULT_SSE_LIMITS, SseHub } from './sse.js';

/** What the sandbox demo's canary answers its analysis: the user flips it to watch an analysis pass or abort. */
export const CANARY_HEALTHS = ['healthy', 'failing'] as const;
export type CanaryHealth = (typeof CANARY_HEALTHS)[number];

/** The demo's canary switch (`GET` / `POST /api/v1/sandbox/canary`). */
export interface CanarySwitch {
  /** `namespace/name` of the Rollout whose analysis measures the canary. */
  rollout: string;
  health(): CanaryHealth;
  setHealth(health: CanaryHealth): void;
}

/** Sandbox-only operations the server exposes under /api/v1/sandbox. */
export interface SandboxHooks {
  /** Applies the fix for a finding; resolves with one line per change. */
  applyFix(body: unknown): Promise<{ option: string; changes: string[] }>;
  /** Fix options by finding code (shown as buttons). */
  fixOptions: Readonly<Record<string, readonly { id: string; label: string }[]>>;
  /** With the demo only. */
  canary?: CanarySwitch;
}

export interface DashboardOptions {
  cluster: Cluster;
  store: RolloutStore;
  host?: string;
  port?: number;
  /** Built UI directory; default: `web/` next to this module (dist/dashboard/web). */
  webRoot?: string;
  /** The access token (TRUESPLIT_DASHBOARD_TOKEN); default: 32 random bytes. Empty or whitespace is refused. */
  token?: string;
  /** Host names the server answers to besides 127.0.0.1, localhost, [::1] and the bind address. */
  allowedHosts?: readonly string[];
  /** Concurrent SSE streams; default 32. */
  maxEventStreams?: number;
  sandbox?: SandboxHooks;
  /** Minimum time between two SSE pushes. Default 250 ms. */
  pushIntervalMs?: number;
}

export interface DashboardServer {
  /** The dashboard's address (needs the session cookie or a bearer token). */
  url: string;
  /** The URL that logs a browser in: it carries the token, sets the cookie and redirects to `url`. */
  loginUrl: string;
  host: string;
  port: number;
  /** Required on every request. */
  token: string;
  /** Pushes fresh views to SSE clients (throttled); call when observed shares change. */
  notify(): void;
  close(): Promise<void>;
}

export const DEFAULT_DASHBOARD_PORT = 3100;
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';

/** The port is taken, or may not be bound: a start-up problem the user fixes with --port (exit 2). */
export class DashboardListenError extends Error {
  override readonly name = 'DashboardListenError';
}

export async function startDashboardServer(options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? DEFAULT_DASHBOARD_HOST;
  const token = resolveDashboardToken(options.token);
  const webRoot = options.webRoot ?? fileURLToPath(new URL('./web/', import.meta.url));
  const hub = new SseHub(options.store, {
    ...DEFAULT_SSE_LIMITS,
    maxClients: options.maxEventStreams ?? DEFAULT_SSE_LIMITS.maxClients,
    intervalMs: options.pushIntervalMs ?? DEFAULT_SSE_LIMITS.intervalMs,
  });
  const context: RequestContext = {
    ...options,
    token,
    webRoot,
    hub,
    port: 0,
    allowedHosts: new Set(),
    mode: options.sandbox ? 'sandbox' : 'cluster',
  };
  const server = createServer((req, res) => {
    handle(context, req, res).catch((err: unknown) => respondWithError(res, err));
  });
  await listen(server, host, options.port ?? DEFAULT_DASHBOARD_PORT);
  const port = (server.address() as AddressInfo).port;
  context.port = port;
  context.allowedHosts = allowedHostHeaders(host, port, options.allowedHosts ?? []);
  const unsubscribe = options.store.onChange(() => hub.schedule());
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    loginUrl: `${url}login?token=${encodeURIComponent(token)}`,
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
    server.once('error', (err: NodeJS.ErrnoException) => fail(listenError(err, host, port)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      done();
    });
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'EADDRINUSE')
    return new DashboardListenError(
      `port ${port} is already in use (${where}): stop the program using it, or pick another port with --port (--port 0 takes any free port)`,
    );
  if (err.code === 'EACCES')
    return new DashboardListenError(
      `no permission to listen on ${where}: pick a port above 1023 with --port`,
    );
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return new DashboardListenError(`cannot listen on ${where}: --host must be an address of this machine`);
  return err;
}

interface RequestContext extends Omit<DashboardOptions, 'token' | 'webRoot' | 'allowedHosts'> {
  token: string;
  webRoot: string;
  hub: SseHub;
  port: number;
  allowedHosts: Set<string>;
  mode: 'sandbox' | 'cluster';
}

const ROLLOUT_PATH = /^\/api\/v1\/rollouts\/([^/]+)\/([^/]+)(?:\/([a-z-]+))?$/;

/** Host first, then Origin, then a well-formed path, then the token; only then the route. */
async function handle(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(req, ctx.allowedHosts)) {
    throw new HttpError(
      421,
      `this dashboard does not answer to Host ${JSON.stringify(req.headers.host ?? '')}; start it with --allowed-host NAME to add a name`,
    );
  }
  if (!originAllowed(req)) throw new HttpError(403, 'cross-origin requests are refused');
  const { path, query } = parseTarget(req.url);
  if (path === '/login') return handleLogin(res, req.method, query, ctx.token, ctx.port);
  if (!requestAuthenticated(req, ctx.token, ctx.port)) return refuseUnauthenticated(res, path);
  if (!path.startsWith('/api/')) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `${req.method ?? ''} not allowed`);
    return serveStatic(res, ctx.webRoot, path);
  }
  if (req.method === 'GET') return handleGet(ctx, path, query, req, res);
  if (req.method !== 'POST') throw new HttpError(405, `${req.method ?? ''} ${path}: use GET or POST`);
  const body = await readJsonBody(req);
  if (path === '/api/v1/sandbox/fix') {
    if (!ctx.sandbox) throw new HttpError(404, 'fixes can only be applied in the sandbox');
    return sendJson(res, 200, await ctx.sandbox.applyFix(body));
  }
  if (path === CANARY_PATH) {
    const canary = canarySwitch(ctx);
    canary.setHealth(requestedHealth(body));
    return sendJson(res, 200, canaryState(canary));
  }
  const match = ROLLOUT_PATH.exec(path);
  const action = match?.[3];
  if (!match || !action) throw new HttpError(404, `no such endpoint: POST ${path}`);
  if (!isRolloutAction(action)) throw new HttpError(404, `unknown action "${action}"`);
  const [ns, name] = [decodePath(match[1]!), decodePath(match[2]!)];
  await runRolloutAction(ctx.cluster, ns, name, action, body);
  sendJson(res, 200, { ok: true, action, rollout: `${ns}/${name}` });
}

function handleGet(
  ctx: RequestContext,
  path: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (path === '/api/v1/info') {
    const canary = ctx.sandbox?.canary;
    return sendJson(res, 200, {
      mode: ctx.mode,
      fixOptions: ctx.sandbox?.fixOptions ?? {},
      ...(canary ? { canary: canaryState(canary) } : {}),
    });
  }
  if (path === CANARY_PATH) return sendJson(res, 200, canaryState(canarySwitch(ctx)));
  if (path === '/api/v1/rollouts') return sendJson(res, 200, { items: ctx.store.summaries() });
  if (path === '/api/v1/events') {
    const ns = query.get('namespace');
    const name = query.get('name');
    ctx.hub.open(req, res, ns && name ? { namespace: ns, name } : undefined);
    return;
  }
  const match = ROLLOUT_PATH.exec(path);
  if (match && !match[3]) {
    const [ns, name] = [decodePath(match[1]!), decodePath(match[2]!)];
    const view = ctx.store.view(ns, name);
    if (!view) throw new HttpError(404, `Rollout ${ns}/${name} not found`);
    return sendJson(res, 200, view);
  }
  throw new HttpError(404, `no such endpoint: GET ${path}`);
}

const CANARY_PATH = '/api/v1/sandbox/canary';

function canarySwitch(ctx: RequestContext): CanarySwitch {
  if (!ctx.sandbox?.canary) throw new HttpError(404, 'the canary switch exists only in the sandbox demo');
  return ctx.sandbox.canary;
}

function canaryState(canary: CanarySwitch): { rollout: string; health: CanaryHealth } {
  return { rollout: canary.rollout, health: canary.health() };
}

/** `{health: "healthy" | "failing"}`. */
function requestedHealth(body: unknown): CanaryHealth {
  const health =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).health : undefined;
  const known = CANARY_HEALTHS.find((h) => h === health);
  if (!known) throw new HttpError(400, `body.health must be one of ${CANARY_HEALTHS.join(', ')}`);
  return known;
}

function respondWithError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers);
  if (err instanceof ActionInputError) return sendError(res, 400, err.message);
  if (err instanceof Error && err.name === 'FixError') return sendError(res, 400, err.message);
  if (isKubeApiError(err)) return sendError(res, err.code, err.message);
  sendError(res, 500, err instanceof Error ? err.message : String(err));
}
