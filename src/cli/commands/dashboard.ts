import { systemClock } from '../../kube/clock.js';
import { RolloutStore } from '../../dashboard/rollout-store.js';
import { startDashboardServer } from '../../dashboard/server.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import {
  asStartupError,
  DASHBOARD_FLAGS,
  DASHBOARD_FLAGS_HELP,
  dashboardServerOptions,
  waitForShutdown,
  writeLoginLine,
} from '../dashboard-serve.js';

export const dashboard: Command = {
  name: 'dashboard',
  summary: 'Serve the dashboard for the Rollouts of a real cluster',
  usage: `Usage: truesplit dashboard [--kubeconfig PATH] [--context NAME] [-n NAMESPACE] [--port 3100] [--host 127.0.0.1]
                          [--allowed-host NAME]

Watches Rollouts, ReplicaSets, Pods, Services, Namespaces, AnalysisRuns and the Istio objects, and serves the
dashboard: every Rollout, its steps and revisions with their AnalysisRuns (measurements charted against the
conditions), the canary share each traffic path is predicted to get, findings with fixes, and the promote / abort / retry / pause / set-image actions (which patch the Rollout like kubectl argo rollouts).

Flags:
      --kubeconfig PATH        kubeconfig file (default KUBECONFIG, ~/.kube/config, then in-cluster)
      --context NAME           kubeconfig context
  -n, --namespace NS           only this namespace (default: all)
${DASHBOARD_FLAGS_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      ...DASHBOARD_FLAGS,
    });
    const serverOptions = dashboardServerOptions(values, io.env);
    // Loaded on demand: @kubernetes/client-node is heavy and only this command needs it.
    const { ClientCluster } = await import('../../kube/client-cluster.js');
    const { loadKubeConfig } = await import('../../kube/kubeconfig.js');
    const kubeConfig = (() => {
      try {
        return loadKubeConfig({
          ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
          ...(values.context ? { context: values.context } : {}),
        });
      } catch (err) {
        // An unreadable or empty kubeconfig is the user's to fix, like a busy port.
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
    })();
    const cluster = new ClientCluster(kubeConfig);
    const reported = new Set<string>();
    const store = new RolloutStore(cluster, {
      clock: systemClock(),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      onError: (err) => {
        if (reported.has(err.message)) return;
        reported.add(err.message);
        io.stderr.write(`dashboard: ${err.message}\n`);
      },
    });
    const server = await startDashboardServer({ cluster, store, ...serverOptions }).catch((err: unknown) => {
      throw asStartupError(err);
    });
    store.start();
    writeLoginLine(io, `Dashboard for ${kubeConfig.getCurrentCluster()?.server ?? 'the cluster'}`, server);
    await waitForShutdown();
    await server.close();
    store.stop();
    return EXIT.ok;
  },
};
