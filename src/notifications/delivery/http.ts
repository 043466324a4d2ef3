/** Sends a built request with fetch. Errors name the status, never the URL (a Slack webhook URL is a secret). */
import type { HttpRequest } from '../requests.js';

export type HttpSender = (request: HttpRequest) => Promise<void>;

export function httpSender(timeoutMs = 10_000): HttpSender {
  return async (request) => {
    const bodyless = request.method === 'GET' || request.method === 'HEAD';
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
      throw new Error(`request failed: ${(err as Error).message}${cause ? ` (${cause})` : ''}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`request failed with status ${response.status}`);
    if (request.expectSlackOk) {
      let ok = false;
      let error = 'not JSON';
      try {
        const answer = JSON.parse(text) as { ok?: boolean; error?: string };
        ok = answer.ok === true;
        error = answer.error ?? 'ok is false';
      } catch {
        // keep "not JSON"
      }
      if (!ok) throw new Error(`slack answered: ${error}`);
    }
  };
}
