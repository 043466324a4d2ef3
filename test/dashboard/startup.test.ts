import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runTruesplit } from '../cli/harness.js';

let blocker: Server | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));
  blocker = undefined;
});

async function busyPort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((done) => blocker!.listen(0, '127.0.0.1', done));
  return (blocker.address() as AddressInfo).port;
}

/** A kubeconfig naming a cluster nobody answers for: the dashboard gets as far as listening. */
async function unreachableKubeconfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'truesplit-dashboard-'));
  const path = join(dir, 'config');
  await writeFile(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
      'users: [{name: u, user: {token: x}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  return path;
}

describe('dashboard start-up problems are exit 2 with a message, never a stack', () => {
  it.each(['sandbox', 'dashboard'])('%s on a busy port names the port and --port', async (command) => {
    const port = await busyPort();
    const kubeconfig = command === 'dashboard' ? ['--kubeconfig', await unreachableKubeconfig()] : [];
    const run = await runTruesplit([command, '--port', String(port), ...kubeconfig]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`port ${port} is already in use`);
    expect(run.stderr).toContain('--port');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('sandbox -f with a path that does not exist', async () => {
    const run = await runTruesplit(['sandbox', '-f', '/nonexistent', '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent: no such file or directory');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('dashboard with an unreadable kubeconfig', async () => {
    const run = await runTruesplit(['dashboard', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/kubeconfig');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['', '   ', '\t', '\xa0'])('sandbox with TRUESPLIT_DASHBOARD_TOKEN=%j', async (token) => {
    const run = await runTruesplit(['sandbox', '--port', '0'], { env: { TRUESPLIT_DASHBOARD_TOKEN: token } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/TRUESPLIT_DASHBOARD_TOKEN is set but empty or whitespace only/);
    expect(run.stdout).not.toContain('Dashboard');
  });

  it.each([
    { flags: ['--max-event-streams', '0'], error: /--max-event-streams must be an integer 1\.\.10000/ },
    { flags: ['--port', '70000'], error: /--port must be an integer 0\.\.65535/ },
  ])('sandbox $flags is a usage error', async ({ flags, error }) => {
    const run = await runTruesplit(['sandbox', ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(error);
  });
});
