/**
 * The browser's way in: `GET /login?token=…` (the URL printed at start) sets an HttpOnly, SameSite=Strict session
 * cookie and redirects to `/`, so the token leaves the address bar at once. Requests without a valid token get a
 * 401: JSON under /api/, a page saying where the login URL is elsewhere.
 */
import type { ServerResponse } from 'node:http';
import { secretsEqual, sessionCookie } from './access.js';
import { HttpError, sendError, sendPage } from './http-util.js';

const PAGE_STYLE = 'font:15px system-ui,sans-serif;max-width:40em;margin:4em auto;line-height:1.5';

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>truesplit: ${title}</title><body style="${PAGE_STYLE}"><h1>${title}</h1><p>${text}</p></body>`;
}

const HOW_TO_LOG_IN =
  'Open the login URL truesplit printed when it started (<code>…/login?token=…</code>), or send <code>Authorization: Bearer &lt;token&gt;</code>. A restarted sandbox or dashboard prints a new one unless <code>TRUESPLIT_DASHBOARD_TOKEN</code> is set.';

export function handleLogin(
  res: ServerResponse,
  method: string | undefined,
  query: URLSearchParams,
  token: string,
  port: number,
): void {
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method ?? ''} /login: use GET`);
  const given = query.get('token');
  if (given === null || !secretsEqual(given, token)) {
    return sendPage(res, 401, page('This login link is not valid', HOW_TO_LOG_IN));
  }
  res.writeHead(303, {
    Location: '/',
    'Set-Cookie': sessionCookie(port, token),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Content-Length': 0,
  });
  res.end();
}

export function refuseUnauthenticated(res: ServerResponse, path: string): void {
  const challenge = { 'WWW-Authenticate': 'Bearer realm="truesplit dashboard"' };
  if (path.startsWith('/api/')) {
    return sendError(
      res,
      401,
      'this dashboard needs its access token: send Authorization: Bearer <token>',
      challenge,
    );
  }
  sendPage(res, 401, page('This dashboard needs its access token', HOW_TO_LOG_IN), challenge);
}
