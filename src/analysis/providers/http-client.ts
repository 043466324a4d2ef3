/**
 * One HTTP exchange for the metric providers, over node:http / node:https so that `insecure` can skip TLS
 * verification per request (the global fetch has no per-request TLS options). The timeout covers the whole exchange,
 * body included, as Go's `http.Client.Timeout` does. Failures throw `HttpCallError` with a message in Go's shape
 * (`Post "https://host/path": <reason>`), the URL shown without userinfo or query values.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { displayUrl } from '../redact.js';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Skip TLS certificate verification (https only). */
  insecure: boolean;
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  body: string;
}

export class HttpCallError extends Error {}

/** A response body larger than this is an error rather than a memory hazard. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export async function sendHttp(call: HttpCall): Promise<HttpReply> {
  const label = `${call.method[0]}${call.method.slice(1).toLowerCase()} "${displayUrl(call.url)}"`;
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    throw new HttpCallError(`${label}: invalid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpCallError(`${label}: unsupported protocol scheme "${url.protocol.replace(/:$/, '')}"`);
  }
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  try {
    return await exchange(url, call, signal);
  } catch (err) {
    if (timeout.aborted) throw new HttpCallError(`${label}: timeout after ${call.timeoutMs / 1000}s`);
    if (signal.aborted) throw new HttpCallError(`${label}: request cancelled`);
    throw new HttpCallError(`${label}: ${(err as Error).message}`);
  }
}

function exchange(url: URL, call: HttpCall, signal: AbortSignal): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...call.headers };
    if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body));
    const req = send(
      url,
      {
        method: call.method,
        headers,
        signal,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !call.insecure } : {}),
      },
      (res) => {
        readBody(res).then(resolve, reject);
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

function readBody(res: IncomingMessage): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () =>
      resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}
