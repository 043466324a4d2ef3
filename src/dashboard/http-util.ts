/** Small node:http helpers for the dashboard: JSON in and out, request paths, static files. */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
} as const;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error: message, code: status }, headers);
}

/** A small HTML page (the login answers and the browser's 401), never cached. */
export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
  });
  res.end(html);
}

const MAX_BODY_BYTES = 64 * 1024;

/** The media type of a request, lower case, without parameters (`application/json; charset=utf-8` → `application/json`). */
function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads a mutating request's JSON body (empty body → {}). Every such request must declare application/json, even
 * with no body: a cross-site form or a no-cors fetch cannot, so a foreign page cannot send one.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(415, 'mutating requests must be sent with Content-Type: application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`);
  }
}

/** A request target split into its raw path and query; anything but an origin-form target is a 400. */
export function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const raw = target ?? '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) throw new HttpError(400, 'malformed request path');
  const mark = raw.indexOf('?');
  const path = mark === -1 ? raw : raw.slice(0, mark);
  decodePath(path);
  return { path, query: new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1)) };
}

/** Percent-decodes a path or one segment; a malformed escape (`%zz`) or a NUL byte is the caller's error (400). */
export function decodePath(text: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw new HttpError(400, `malformed percent-escape in request path ${JSON.stringify(text)}`);
  }
  if (decoded.includes('\0')) throw new HttpError(400, 'request path contains a NUL byte');
  return decoded;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

const FALLBACK_PAGE =
  '<!doctype html><meta charset="utf-8"><title>truesplit</title><p>The dashboard UI is not built. Run <code>npm run build</code>; the REST API is under <a href="/api/v1/rollouts">/api/v1</a>.</p>';

/** Serves a file under `root`; unknown paths get index.html (client-side routes). */
export async function serveStatic(res: ServerResponse, root: string, urlPath: string): Promise<void> {
  const base = resolve(root);
  const wanted = normalize(join(base, decodePath(urlPath)));
  const inside = wanted === base || wanted.startsWith(base + sep);
  const file = inside && (await isFile(wanted)) ? wanted : join(base, 'index.html');
  if (!(await isFile(file))) {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(FALLBACK_PAGE);
    return;
  }
  const body = await readFile(file);
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  });
  res.end(body);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
