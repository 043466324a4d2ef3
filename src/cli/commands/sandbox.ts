import { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from '../../controller/heap-growth.js';
import { startSandbox } from '../../sandbox/sandbox.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import {
  asStartupError,
  DASHBOARD_FLAGS,
  DASHBOARD_FLAGS_HELP,
  dashboardServerOptions,
  waitForShutdown,
  writeLoginLine,
} from '../dashboard-serve.js';

export const sandbox: Command = {
  name: 'sandbox',
  summary: 'Run the demo (or your manifests) on a simulated cluster, with the dashboard',
  usage: `Usage: truesplit sandbox [-f DIR] [--port 3100] [--host 127.0.0.1] [--allowed-host NAME]

Starts an in-memory cluster with the truesplit controller, simulated pods (ready after 1 s), synthetic clients on
every traffic path (ingress gateway, injected namespaces, namespaces without sidecars) and the dashboard.

Without -f it loads the demo: a Rollout whose VirtualService is bound only to the ingress gateway, paused at
setWeight 10. Through the gateway 10 % of requests reach the canary; in-mesh callers get 50 %. Apply the fix in
the dashboard and watch the mesh path converge. Promote, and an analysis step measures the canary's error rate: flip
the demo canary to failing in the dashboard and watch the AnalysisRun fail and the Rollout abort.

Flags:
  -f, --filename DIR           load these manifests instead of the demo (files or a directory, recursive)
${DASHBOARD_FLAGS_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      filename: { type: 'string', short: 'f' },
      ...DASHBOARD_FLAGS,
    });
    // The sandbox runs the controller in this process: the same heap growth limit (ADR 0285).
    limitHeapGrowth(DEFAULT_HEAP_GROWTH_PERCENT);
    const started = await startSandbox({
      ...dashboardServerOptions(values, io.env),
      ...(values.filename ? { manifestsDir: values.filename } : {}),
      onError: (err) => io.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`),
    }).catch((err: unknown) => {
      throw asStartupError(err);
    });
    io.stdout.write(`truesplit sandbox: ${started.seeded.created.length} objects loaded`);
    io.stdout.write(
      started.seeded.skipped.length > 0 ? ` (skipped: ${started.seeded.skipped.join(', ')})\n` : '\n',
    );
    writeLoginLine(io, 'Dashboard', started);
    io.stdout.write('Press Ctrl+C to stop.\n');
    await waitForShutdown();
    await started.close();
    return EXIT.ok;
  },
};
