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
  if (call.signal?.aborted) throw new HttpCallError(`${label}: request cancelled`);
  try {
    return await exchange(url, call);
  } catch (err) {
    if (err instanceof ExchangeEnded) {
      throw new HttpCallError(
        err.why === 'timeout'
          ? `${label}: timeout after ${call.timeoutMs / 1000}s`
          : `${label}: request cancelled`,
      );
    }
    throw new HttpCallError(`${label}: ${(err as Error).message}`);
  }
}

/** Why an exchange was cut short by this client. */
class ExchangeEnded extends Error {
  constructor(readonly why: 'timeout' | 'cancelled') {
    super(why);
  }
}

/**
 * One request and its body, cut short by the deadline or the caller's signal. The deadline is one timer cleared when
 * the exchange settles, and the caller's (long-lived) signal holds a listener only while the exchange runs: at
 * thousands of measurements a second nothing outlives its request (an `AbortSignal.timeout` would run to its end).
 */
function exchange(url: URL, call: HttpCall): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    let ended: ExchangeEnded | undefined;
    const end = (why: 'timeout' | 'cancelled') => {
      ended ??= new ExchangeEnded(why);
      req.destroy(ended);
    };
    const timer = setTimeout(() => end('timeout'), call.timeoutMs);
    const cancel = () => end('cancelled');
    call.signal?.addEventListener('abort', cancel, { once: true });
    const settle = () => {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', cancel);
    };
    const fail = (err: Error) => {
      settle();
      reject(ended ?? err);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...call.headers };
    if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body));
    const req = send(
      url,
      {
        method: call.method,
        headers,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !call.insecure } : {}),
      },
      (res) => {
        readBody(res).then((reply) => {
          settle();
          if (ended) reject(ended);
          else resolve(reply);
        }, fail);
      },
    );
    req.on('error', fail);
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
    // A response cut short (the exchange ended, the server went away) may close without an 'error'.
    res.on('close', () => {
      if (!res.complete) reject(new Error('response closed before its end'));
    });
    res.on('end', () =>
      resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}
