import { systemClock } from '../../kube/clock.js';
import { RolloutStore } from '../../dashboard/rollout-store.js';
import { startDashboardServer } from '../../dashboard/server.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { parsePort, waitForShutdown } from '../serve.js';

export const dashboard: Command = {
  name: 'dashboard',
  summary: 'Serve the dashboard for the Rollouts of a real cluster',
  usage: `Usage: truesplit dashboard [--kubeconfig PATH] [--context NAME] [-n NAMESPACE] [--port 3100] [--host 127.0.0.1]

Watches Rollouts, ReplicaSets, Pods, Services, Namespaces and the Istio objects, and serves the dashboard: every
Rollout, its steps and revisions, the canary share each traffic path is predicted to get, findings with fixes,
and the promote / abort / retry / pause / set-image actions (which patch the Rollout like kubectl argo rollouts).

Flags:
      --kubeconfig PATH   kubeconfig file (default KUBECONFIG, ~/.kube/config, then in-cluster)
      --context NAME      kubeconfig context
  -n, --namespace NS      only this namespace (default: all)
  -p, --port PORT         port (default 3100)
      --host HOST         bind address (default 127.0.0.1). Elsewhere, actions need the printed bearer token
                          (or TRUESPLIT_DASHBOARD_TOKEN)
`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
    });
    const port = parsePort(values.port, 3100);
    // Loaded on demand: @kubernetes/client-node is heavy and only this command needs it.
    const { ClientCluster } = await import('../../kube/client-cluster.js');
    const { loadKubeConfig } = await import('../../kube/kubeconfig.js');
    const kubeConfig = loadKubeConfig({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
    });
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
    store.start();
    const server = await startDashboardServer({
      cluster,
      store,
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(io.env.TRUESPLIT_DASHBOARD_TOKEN ? { token: io.env.TRUESPLIT_DASHBOARD_TOKEN } : {}),
    });
    io.stdout.write(
      `Dashboard for ${kubeConfig.getCurrentCluster()?.server ?? 'the cluster'}: ${server.url}\n`,
    );
    if (server.token) io.stdout.write(`Token for actions: ${server.token}\n`);
    await waitForShutdown();
    await server.close();
    store.stop();
    return EXIT.ok;
  },
};
