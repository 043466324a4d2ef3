/**
 * Sends a built request with fetch. Errors name the status and the receiver's origin, never the path or query of
 * the URL (a Slack incoming-webhook URL is a secret) nor a header.
 *
 * A receiver that refuses is not hammered: 401 and 403 (and any other 4xx but 408 and 429) stop the delivery
 * (`PermanentError`); 408, 429, 5xx and network failures are retried with backoff, no sooner than the response's
 * `Retry-After` (seconds or an HTTP date).
 */
import type { HttpRequest } from '../requests.js';
import { PermanentError, RetryableError } from './queue.js';

export type HttpSender = (request: HttpRequest) => Promise<void>;

/** Where a request goes, safe to log: scheme, host and port (no user info, path or query). */
export function receiverOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function statusError(response: Response, receiver: string, now: number): Error {
  const message = `${receiver} answered ${response.status}`;
  if (!isRetryableStatus(response.status)) {
    const hint = response.status === 401 || response.status === 403 ? ' (refused: not retried)' : '';
    return new PermanentError(`${message}${hint}`);
  }
  const wait = retryAfterMs(response.headers.get('retry-after'), now);
  return new RetryableError(message, wait);
}

function slackError(text: string): Error | undefined {
  let error = 'not JSON';
  try {
    const answer = JSON.parse(text) as { ok?: boolean; error?: string };
    if (answer.ok === true) return undefined;
    error = answer.error ?? 'ok is false';
  } catch {
    // keep "not JSON"
  }
  return new Error(`slack answered: ${error}`);
}

export function httpSender(timeoutMs = 10_000, now: () => number = Date.now): HttpSender {
  return async (request) => {
    const bodyless = request.method === 'GET' || request.method === 'HEAD';
    const receiver = receiverOf(request.url);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(bodyless ? {} : { body: request.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `request to ${receiver} failed: ${(err as Error).message}${cause ? ` (${cause})` : ''}`,
      );
    }
    const text = await response.text();
    if (!response.ok) throw statusError(response, receiver, now());
    if (request.expectSlackOk) {
      const error = slackError(text);
      if (error) throw error;
    }
  };
}
