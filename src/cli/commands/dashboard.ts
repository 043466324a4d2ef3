import { systemClock } from '../../kube/clock.js';
import { RolloutStore } from '../../dashboard/rollout-store.js';
import { startDashboardServer } from '../../dashboard/server.js';
import { ObservedPoller } from '../../dashboard/observed-poller.js';
import type { ObservedContext } from '../../dashboard/rollout-store.js';
import { observedShareView } from '../../view/observed.js';
import { readObservedShares, type ObservedSource } from '../live/observed.js';
import { PROMETHEUS_HELP, PROMETHEUS_OPTION } from '../live/flags.js';
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
                          [--allowed-host NAME] [--prometheus URL]

Watches Rollouts, ReplicaSets, Pods, Services, Namespaces, AnalysisRuns and the Istio objects, and serves the
dashboard: every Rollout, its steps and revisions with their AnalysisRuns (measurements charted against the
conditions), the canary share each traffic path is predicted to get, findings with fixes, and the promote / abort / retry / pause / set-image actions (which patch the Rollout like kubectl argo rollouts).

With a Prometheus address (--prometheus, else TRUESPLIT_PROMETHEUS_ADDRESS, else each Rollout's annotation
truesplit.io/prometheus-address) the paths panel also shows the share each path was observed to get, from
Istio's istio_requests_total, asked again at most every 10 s for the Rollouts being viewed.

Flags:
      --kubeconfig PATH        kubeconfig file (default KUBECONFIG, ~/.kube/config, then in-cluster)
      --context NAME           kubeconfig context
  -n, --namespace NS           only this namespace (default: all)
${PROMETHEUS_HELP}
${DASHBOARD_FLAGS_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      ...PROMETHEUS_OPTION,
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
    const report = (message: string) => {
      if (reported.has(message)) return;
      reported.add(message);
      io.stderr.write(`dashboard: ${message}\n`);
    };
    const clock = systemClock();
    let pushViews = () => {};
    const observed = new ObservedPoller({
      clock,
      fetch: (context) => readObserved(context, { flag: values.prometheus, env: io.env }),
      onUpdate: () => pushViews(),
      onWarning: report,
    });
    const store = new RolloutStore(cluster, {
      clock,
      ...(values.namespace ? { namespace: values.namespace } : {}),
      observed: observed.lookup,
      onError: (err) => report(err.message),
    });
    const server = await startDashboardServer({ cluster, store, ...serverOptions }).catch((err: unknown) => {
      observed.stop();
      throw asStartupError(err);
    });
    pushViews = () => server.notify();
    store.start();
    writeLoginLine(io, `Dashboard for ${kubeConfig.getCurrentCluster()?.server ?? 'the cluster'}`, server);
    await waitForShutdown();
    observed.stop();
    await server.close();
    store.stop();
    return EXIT.ok;
  },
};

/** One Rollout's observed shares in the view's unit (nothing is asked when no address is configured). */
async function readObserved(context: ObservedContext, source: ObservedSource) {
  const input = { ...context, objects: context.destinationRules };
  const { shares, warnings } = await readObservedShares(input, source);
  return { shares: new Map([...shares].map(([id, share]) => [id, observedShareView(share)])), warnings };
}
