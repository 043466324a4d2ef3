/**
 * Minimal Kubernetes REST access over the global `fetch`, for the e2e
 * control plane and its pod-ready helper. No npm dependencies.
 *
 * TLS: the apiserver serves a self-signed certificate (leaf + CA bundle in
 * its cert dir). `trustCaFile` adds that bundle to Node's default trust store
 * (additively, system CAs stay trusted), which `fetch` then uses.
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

export interface KubeAccess {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** bearer token (static token file on the apiserver) */
  token: string;
  /** PEM bundle to trust for the apiserver's serving certificate */
  caFile?: string | undefined;
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

const trusted = new Set<string>();

/** Trust the PEM certificates in `caFile` for every TLS client in this process. */
export function trustCaFile(caFile: string | undefined): void {
  if (caFile === undefined) return;
  const pems = readFileSync(caFile, 'utf8').match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  if (pems === null) throw new Error(`no PEM certificate in ${caFile}`);
  if (typeof tls.setDefaultCACertificates !== 'function') {
    throw new Error(
      'trusting the apiserver CA needs Node >= 24.5; run through npm scripts (project-local Node)',
    );
  }
  const added = pems.filter((pem) => !trusted.has(pem));
  if (added.length === 0) return;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...added]);
  for (const pem of added) trusted.add(pem);
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** Raw fetch against the apiserver; caller handles the body. */
export async function kubeFetch(
  access: KubeAccess,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Response> {
  trustCaFile(access.caFile);
  const headers: Record<string, string> = {
    authorization: `Bearer ${access.token}`,
    accept: 'application/json',
  };
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  if (opts.signal !== undefined) init.signal = opts.signal;
  return fetch(access.server + path, init);
}

/** Request with a JSON response; never throws on HTTP status. */
export async function kubeRequest(
  access: KubeAccess,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<KubeResponse> {
  const res = await kubeFetch(access, method, path, opts);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // keep the text (e.g. /readyz answers "ok")
  }
  return { status: res.status, body };
}

/** Like kubeRequest, but throws unless the status is 2xx or listed in `allow`. */
export async function kubeCall(
  access: KubeAccess,
  method: string,
  path: string,
  opts: RequestOptions & { allow?: number[] } = {},
): Promise<KubeResponse> {
  const res = await kubeRequest(access, method, path, opts);
  const ok = (res.status >= 200 && res.status < 300) || (opts.allow ?? []).includes(res.status);
  if (!ok) {
    const msg = (res.body as { message?: string } | undefined)?.message ?? String(res.body);
    throw new Error(`${method} ${path} -> ${res.status}: ${msg}`);
  }
  return res;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** Streams watch events until the server closes the watch or `signal` aborts. */
export async function* watch<T>(
  access: KubeAccess,
  path: string,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  const res = await kubeFetch(access, 'GET', path, { signal });
  if (res.status !== 200 || res.body === null) {
    throw new Error(`watch ${path} -> ${res.status}: ${await res.text()}`);
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '') yield JSON.parse(line) as WatchEvent<T>;
      nl = buffered.indexOf('\n');
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown from a `waitFor` check to stop waiting at once (e.g. a process died). */
export class FatalError extends Error {}

/** Polls `check` until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof FatalError) throw err;
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}
