/**
 * Who may talk to the dashboard: the Host allow-list (against DNS rebinding), the access token (bearer header or the
 * session cookie set by the login URL) compared in constant time, and the same-origin check for browsers.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** A token that cannot be used: refused at start-up (the CLI exits 2 with this message). */
export class DashboardTokenError extends Error {
  override readonly name = 'DashboardTokenError';
}

/** Visible ASCII without spaces: the token travels in a header, a URL and (derived) a cookie. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/**
 * The token the dashboard requires: the configured one (TRUESPLIT_DASHBOARD_TOKEN), else 32 random bytes.
 * An empty, whitespace-only or otherwise unusable configured token is refused, never matched.
 */
export function resolveDashboardToken(configured: string | undefined): string {
  if (configured === undefined) return randomBytes(32).toString('base64url');
  if (configured.trim() === '') {
    throw new DashboardTokenError(
      'TRUESPLIT_DASHBOARD_TOKEN is set but empty or whitespace only: set it to a secret, or unset it and a random token is generated',
    );
  }
  if (!TOKEN_CHARS.test(configured)) {
    throw new DashboardTokenError(
      'TRUESPLIT_DASHBOARD_TOKEN must be visible ASCII characters without spaces (it is sent in an HTTP header)',
    );
  }
  return configured;
}

/** Equal-length digests compared with timingSafeEqual: neither length nor content leaks through timing. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookie's name carries the port: browsers share cookies between ports of one host. */
export function sessionCookieName(port: number): string {
  return `truesplit_session_${port}`;
}

/** The cookie value: derived from the token, so the token itself is never stored by the browser. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('truesplit dashboard session').digest('base64url');
}

export function sessionCookie(port: number, token: string): string {
  return `${sessionCookieName(port)}=${sessionValue(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

const BEARER = /^Bearer +([\x21-\x7e]+)$/;

/** `Authorization: Bearer <token>` (scripts) or the session cookie (browsers). */
export function requestAuthenticated(req: IncomingMessage, token: string, port: number): boolean {
  const bearer = BEARER.exec(req.headers.authorization ?? '');
  if (bearer) return secretsEqual(bearer[1]!, token);
  const cookie = cookieValue(req.headers.cookie ?? '', sessionCookieName(port));
  return cookie !== undefined && secretsEqual(cookie, sessionValue(token));
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Hosts a wildcard bind answers to besides loopback: the machine's own interface addresses. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((info) => (info ? [info.address] : []));
}

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '']);

/** `host:port` values the Host header may carry (lower case; IPv6 in brackets). */
export function allowedHostHeaders(bind: string, port: number, extra: readonly string[]): Set<string> {
  const names = ['127.0.0.1', 'localhost', '::1', ...extra];
  if (WILDCARD_BINDS.has(bind)) names.push(...interfaceAddresses());
  else names.push(bind);
  const result = new Set<string>();
  for (const raw of names) {
    const name = raw.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const shown = name.includes(':') ? `[${name}]` : name;
    result.add(`${shown}:${port}`);
    if (port === 80) result.add(shown);
  }
  return result;
}

/** DNS rebinding: a page on attacker.example resolved to 127.0.0.1 still sends `Host: attacker.example`. */
export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return host !== undefined && allowed.has(host.toLowerCase());
}

/** A browser request from another site carries its Origin: refuse it unless it names this server. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host?.toLowerCase();
  } catch {
    return false;
  }
}
