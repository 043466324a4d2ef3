/** What `truesplit dashboard` and `truesplit sandbox` share: the server flags, start-up errors, the login line. */
import { DashboardTokenError } from '../dashboard/access.js';
import { DashboardListenError } from '../dashboard/server.js';
import type { CliIo } from './command.js';
import { UsageError } from './command.js';

export const DASHBOARD_FLAGS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'max-event-streams': { type: 'string' },
} as const;

export const DASHBOARD_FLAGS_HELP = `  -p, --port PORT              port (default 3100; 0 = any free port)
      --host HOST              bind address (default 127.0.0.1)
      --allowed-host NAME      a host name browsers may use to reach the dashboard besides 127.0.0.1, localhost
                               and [::1] (repeatable); requests naming any other Host are refused
      --max-event-streams N    concurrent live-update streams (default 32)

Every request needs the access token: open the login URL printed at start (it sets a session cookie), or send
Authorization: Bearer <token>. The token is TRUESPLIT_DASHBOARD_TOKEN, or generated at each start.
`;

export interface DashboardFlagValues {
  port?: string | undefined;
  host?: string | undefined;
  'allowed-host'?: string[] | undefined;
  'max-event-streams'?: string | undefined;
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`flag --port must be an integer 0..65535 (got "${value}")`);
  }
  return port;
}

function parseStreams(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new UsageError(`flag --max-event-streams must be an integer 1..10000 (got "${value}")`);
  }
  return count;
}

/** The server options the flags and the environment give (the token as set: the server refuses an empty one). */
export function dashboardServerOptions(values: DashboardFlagValues, env: CliIo['env']) {
  const streams = parseStreams(values['max-event-streams']);
  const token = env.TRUESPLIT_DASHBOARD_TOKEN;
  return {
    port: parsePort(values.port, 3100),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['allowed-host'] ? { allowedHosts: values['allowed-host'].flatMap(splitNames) } : {}),
    ...(streams !== undefined ? { maxEventStreams: streams } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** A busy port or an unusable token is the user's to fix: exit 2 with the message, no stack. */
export function asStartupError(error: unknown): unknown {
  if (error instanceof DashboardListenError || error instanceof DashboardTokenError) {
    return new UsageError(error.message);
  }
  return error;
}

/** The one line a person needs: the login URL (a configured token is not echoed). */
export function writeLoginLine(io: CliIo, label: string, server: { url: string; loginUrl: string }): void {
  const configured = io.env.TRUESPLIT_DASHBOARD_TOKEN !== undefined;
  const login = configured ? `${server.url}login?token=$TRUESPLIT_DASHBOARD_TOKEN` : server.loginUrl;
  io.stdout.write(`${label}: ${login}\n`);
  io.stdout.write(
    `  (it logs this browser in and opens ${server.url}; scripts send Authorization: Bearer <the token= value>)\n`,
  );
}

/** Resolves on SIGINT or SIGTERM. */
export function waitForShutdown(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
