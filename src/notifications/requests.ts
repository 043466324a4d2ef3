/**
 * The HTTP request each supported service sends, built from the service options and the rendered notification
 * (notifications-engine's webhook and slack services). Pure; `delivery/` sends it.
 *
 * - `webhook`: options `url`, `headers: [{name, value}]`, `basicAuth: {username, password}`; the template's
 *   `webhook.<service name>` gives `method` (default GET), `path` (appended to the URL) and `body` (default: the
 *   message).
 * - `slack`: with `token`, Slack's `chat.postMessage` at `apiURL` (default https://slack.com/api/) for the recipient
 *   channel; with `webhookURL` (an incoming webhook), a POST to that URL. Both carry `text`, `attachments`, `blocks`,
 *   `username` and `icon_emoji`/`icon_url`.
 */
import type { ServiceConfig } from './config.js';
import type { Destination } from './subscriptions.js';
import type { RenderedNotification } from './render.js';

export const SUPPORTED_SERVICES = ['webhook', 'slack'] as const;

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Slack's Web API answers 200 with `{"ok": false}` on failure. */
  expectSlackOk: boolean;
}

function text(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function scalar(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

function webhookHeaders(options: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  const list = Array.isArray(options.headers) ? (options.headers as unknown[]) : [];
  for (const entry of list) {
    const header = entry as { name?: unknown; value?: unknown };
    if (typeof header.name === 'string') headers[header.name] = scalar(header.value);
  }
  const auth = options.basicAuth as { username?: unknown; password?: unknown } | undefined;
  if (auth && typeof auth === 'object') {
    const pair = `${scalar(auth.username)}:${scalar(auth.password)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  return headers;
}

function webhookRequest(
  service: ServiceConfig,
  destination: Destination,
  n: RenderedNotification,
): HttpRequest {
  const base = text(service.options, 'url');
  if (!base) throw new Error(`webhook service '${destination.service}': url is required`);
  const hook = n.webhook[destination.service];
  const path = hook?.path ?? '';
  const url = path ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : base;
  return {
    url,
    method: (hook?.method ?? 'GET').toUpperCase(),
    headers: webhookHeaders(service.options),
    body: hook ? hook.body : n.message,
    expectSlackOk: false,
  };
}

function parseJsonField(value: string | undefined, field: string): unknown {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new Error(`failed to unmarshal ${field}: ${(err as Error).message}`);
  }
}

function slackPayload(service: ServiceConfig, destination: Destination, n: RenderedNotification) {
  const username = n.slack?.username || text(service.options, 'username');
  const icon = n.slack?.icon || text(service.options, 'icon');
  const attachments = parseJsonField(n.slack?.attachments, 'attachments');
  const blocks = parseJsonField(n.slack?.blocks, 'blocks');
  return {
    ...(destination.recipient ? { channel: destination.recipient } : {}),
    text: n.message,
    ...(attachments !== undefined ? { attachments } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
    ...(username ? { username } : {}),
    ...(icon ? (/^:.+:$/.test(icon) ? { icon_emoji: icon } : { icon_url: icon }) : {}),
  };
}

function slackRequest(
  service: ServiceConfig,
  destination: Destination,
  n: RenderedNotification,
): HttpRequest {
  const payload = JSON.stringify(slackPayload(service, destination, n));
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  const webhookURL = text(service.options, 'webhookURL');
  if (webhookURL) return { url: webhookURL, method: 'POST', headers, body: payload, expectSlackOk: false };
  const token = text(service.options, 'token');
  if (!token) throw new Error(`slack service '${destination.service}': token or webhookURL is required`);
  const api = text(service.options, 'apiURL') ?? 'https://slack.com/api/';
  return {
    url: `${api.replace(/\/+$/, '')}/chat.postMessage`,
    method: 'POST',
    headers: { ...headers, Authorization: `Bearer ${token}` },
    body: payload,
    expectSlackOk: true,
  };
}

/** The request for one delivery; throws naming the service when its options or the rendered content are unusable. */
export function buildRequest(
  service: ServiceConfig,
  destination: Destination,
  n: RenderedNotification,
): HttpRequest {
  if (service.type === 'webhook') return webhookRequest(service, destination, n);
  if (service.type === 'slack') return slackRequest(service, destination, n);
  throw new Error(
    `notification service type '${service.type}' is not supported (supported: ${SUPPORTED_SERVICES.join(', ')})`,
  );
}
