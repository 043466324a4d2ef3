/** A raw HTTP client for the dashboard tests: unlike fetch, it sends any Host header and any header bytes. */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | undefined;
}

/** Sends one request to 127.0.0.1:port; SSE responses resolve at their headers (the stream is then closed). */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: { Host: `127.0.0.1:${port}`, ...req.headers },
      },
      (res) => {
        const base = { status: res.statusCode ?? 0, headers: res.headers };
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          return done({ ...base, body: '' });
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ ...base, body }));
      },
    );
    outgoing.on('error', fail);
    outgoing.end(req.body);
  });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const JSON_TYPE = { 'Content-Type': 'application/json' };
