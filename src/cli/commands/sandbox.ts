import { startSandbox } from '../../sandbox/sandbox.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { parsePort, waitForShutdown } from '../serve.js';

export const sandbox: Command = {
  name: 'sandbox',
  summary: 'Run the demo (or your manifests) on a simulated cluster, with the dashboard',
  usage: `Usage: truesplit sandbox [-f DIR] [--port 3100] [--host 127.0.0.1]

Starts an in-memory cluster with the truesplit controller, simulated pods (ready after 1 s), synthetic clients on
every traffic path (ingress gateway, injected namespaces, namespaces without sidecars) and the dashboard.

Without -f it loads the demo: a Rollout whose VirtualService is bound only to the ingress gateway, paused at
setWeight 10. Through the gateway 10 % of requests reach the canary; in-mesh callers get 50 %. Apply the fix in
the dashboard and watch the mesh path converge.

Flags:
  -f, --filename DIR   load these manifests instead of the demo (files or a directory, recursive)
  -p, --port PORT      dashboard port (default 3100; 0 = any free port)
      --host HOST      bind address (default 127.0.0.1). Elsewhere, actions need the printed bearer token
                       (or TRUESPLIT_DASHBOARD_TOKEN)
`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      filename: { type: 'string', short: 'f' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
    });
    const started = await startSandbox({
      port: parsePort(values.port, 3100),
      ...(values.host ? { host: values.host } : {}),
      ...(values.filename ? { manifestsDir: values.filename } : {}),
      ...(io.env.TRUESPLIT_DASHBOARD_TOKEN ? { token: io.env.TRUESPLIT_DASHBOARD_TOKEN } : {}),
      onError: (err) => io.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`),
    });
    io.stdout.write(`truesplit sandbox: ${started.seeded.created.length} objects loaded`);
    io.stdout.write(
      started.seeded.skipped.length > 0 ? ` (skipped: ${started.seeded.skipped.join(', ')})\n` : '\n',
    );
    io.stdout.write(`Dashboard: ${started.url}\n`);
    if (started.token) io.stdout.write(`Token for actions: ${started.token}\n`);
    io.stdout.write('Press Ctrl+C to stop.\n');
    await waitForShutdown();
    await started.close();
    return EXIT.ok;
  },
};
