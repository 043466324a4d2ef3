import { hostname } from 'node:os';
import { pino } from 'pino';
import { parseCommandArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { isHttpUrl } from '../../api/path-gate-annotations.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from '../../controller/heap-growth.js';
import type { ClientCluster } from '../../kube/client-cluster.js';

const USAGE = `Usage: truesplit controller [flags]

Runs the Rollout controller against a cluster: reconciles argoproj.io/v1alpha1 Rollouts (canary, Istio traffic
routing), serves /healthz and /readyz on the healthz port and /metrics on the metrics port. Stops on SIGINT/SIGTERM.

Flags:
  --kubeconfig FILE       kubeconfig to use (default: KUBECONFIG, ~/.kube/config, then in-cluster)
  --context NAME          kubeconfig context (default: the current context)
  --namespace NS          watch only this namespace (default: all namespaces)
  --leader-elect          take the truesplit-controller-lock Lease before reconciling (run several replicas for HA)
  --lease-namespace NS    namespace of the Lease (default: POD_NAMESPACE, --namespace, else kube-system)
  --self-service-notification-enabled
                          also read argo-rollouts-notification-configmap/-secret from each Rollout's namespace
                          (the controller's own, POD_NAMESPACE, is always read)
  --workers N             reconcile workers (default 10)
  --analysis-workers N    AnalysisRun workers (default 30, as Argo's --analysis-threads)
  --resync SECONDS        full relist period of every informer (default 900)
  --request-timeout SECONDS
                          hard deadline of every API request except watches (default 30)
  --prometheus-address URL
                          the Prometheus holding Istio's istio_requests_total: the observed split per traffic path
                          (a Rollout's truesplit.io/prometheus-address overrides it) and the address of prometheus
                          and truesplit metrics without one (default: TRUESPLIT_PROMETHEUS_ADDRESS, else none)
  --telemetry-interval SECONDS
                          read each canary's observed split at most this often (default 15)
  --heap-growth-percent N let the JS heap grow to (1 + N/100) × what is live before a full garbage collection
                          (default 50; 0: V8's own factor, up to 4× on a busy node)
  --metrics-port PORT     Prometheus /metrics port (default 8090)
  --healthz-port PORT     /healthz and /readyz port (default 8080)
  --log-level LEVEL       trace, debug, info (default), warn, error
`;

function positiveInt(value: string | undefined, flag: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(`flag --${flag} must be a positive integer (got "${value}")`);
  return n;
}

export interface ControllerFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  leaderElect: boolean;
  leaseNamespace?: string;
  /** Where `argo-rollouts-notification-configmap` is read: POD_NAMESPACE, else the Lease's, else `--namespace`. */
  notificationNamespace: string;
  selfServiceNotifications: boolean;
  workers: number;
  analysisWorkers: number;
  resyncSeconds: number;
  requestTimeoutSeconds: number;
  /** V8's heap growing factor − 1, in percent (0: V8's own); see heap-growth.ts. */
  heapGrowthPercent: number;
  metricsPort: number;
  healthzPort: number;
  logLevel: string;
  prometheusAddress?: string;
  telemetryIntervalSeconds: number;
}

export function parseControllerFlags(argv: string[], env: CliIo['env']): ControllerFlags {
  const { values } = parseCommandArgs(argv, {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    'leader-elect': { type: 'boolean' },
    'lease-namespace': { type: 'string' },
    'self-service-notification-enabled': { type: 'boolean' },
    workers: { type: 'string' },
    'analysis-workers': { type: 'string' },
    resync: { type: 'string' },
    'request-timeout': { type: 'string' },
    'metrics-port': { type: 'string' },
    'healthz-port': { type: 'string' },
    'log-level': { type: 'string' },
    'prometheus-address': { type: 'string' },
    'telemetry-interval': { type: 'string' },
    'heap-growth-percent': { type: 'string' },
  });
  const logLevel = values['log-level'] ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new UsageError(`flag --log-level: unknown level "${logLevel}"`);
  const leaseNamespace = values['lease-namespace'] ?? env.POD_NAMESPACE ?? values.namespace;
  const prometheusAddress = prometheusAddressFlag(values['prometheus-address'], env);
  return {
    ...(prometheusAddress ? { prometheusAddress } : {}),
    telemetryIntervalSeconds: positiveInt(values['telemetry-interval'], 'telemetry-interval', 15),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(leaseNamespace ? { leaseNamespace } : {}),
    leaderElect: values['leader-elect'] === true,
    notificationNamespace: env.POD_NAMESPACE ?? leaseNamespace ?? values.namespace ?? 'default',
    selfServiceNotifications: values['self-service-notification-enabled'] === true,
    workers: positiveInt(values.workers, 'workers', 10),
    analysisWorkers: positiveInt(values['analysis-workers'], 'analysis-workers', 30),
    resyncSeconds: positiveInt(values.resync, 'resync', 900),
    requestTimeoutSeconds: positiveInt(values['request-timeout'], 'request-timeout', 30),
    heapGrowthPercent: positiveInt(
      values['heap-growth-percent'],
      'heap-growth-percent',
      DEFAULT_HEAP_GROWTH_PERCENT,
      true,
    ),
    metricsPort: positiveInt(values['metrics-port'], 'metrics-port', 8090, true),
    healthzPort: positiveInt(values['healthz-port'], 'healthz-port', 8080, true),
    logLevel,
  };
}

/** `--prometheus-address`, else TRUESPLIT_PROMETHEUS_ADDRESS; empty: none. */
function prometheusAddressFlag(flag: string | undefined, env: CliIo['env']): string | undefined {
  const fromFlag = flag !== undefined;
  const value = (fromFlag ? flag : env.TRUESPLIT_PROMETHEUS_ADDRESS)?.trim();
  if (!value) return undefined;
  if (!isHttpUrl(value)) {
    const source = fromFlag ? 'flag --prometheus-address' : 'TRUESPLIT_PROMETHEUS_ADDRESS';
    throw new UsageError(`${source} must be an http:// or https:// URL (got "${value}")`);
  }
  return value;
}

export const controller: Command = {
  name: 'controller',
  summary: 'Run the Rollout controller against a cluster',
  usage: USAGE,
  async run(argv, io) {
    const flags = parseControllerFlags(argv, io.env);
    const logger = pino(
      { level: flags.logLevel, base: { component: 'truesplit-controller' } },
      { write: (line: string) => io.stdout.write(line) },
    );
    // Loaded when the controller starts, so the commands that never reach a cluster do not load the Kubernetes client.
    const { ClientCluster } = await import('../../kube/client-cluster.js');
    const { loadKubeConfig } = await import('../../kube/kubeconfig.js');
    const { ControllerManager } = await import('../../controller/manager.js');
    let cluster: ClientCluster;
    try {
      cluster = new ClientCluster(
        loadKubeConfig({
          ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
          ...(flags.context ? { context: flags.context } : {}),
        }),
        { requestTimeoutMs: flags.requestTimeoutSeconds * 1000 },
      );
    } catch (err) {
      io.stderr.write(`truesplit controller: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    limitHeapGrowth(flags.heapGrowthPercent);
    let exitCode: number = EXIT.ok;
    const manager = new ControllerManager({
      cluster,
      logger,
      leaderElect: flags.leaderElect,
      identity: io.env.POD_NAME ?? `${hostname()}_${process.pid}`,
      workers: flags.workers,
      analysisWorkers: flags.analysisWorkers,
      resyncMs: flags.resyncSeconds * 1000,
      metricsPort: flags.metricsPort,
      healthzPort: flags.healthzPort,
      ...(flags.prometheusAddress ? { prometheusAddress: flags.prometheusAddress } : {}),
      telemetryIntervalMs: flags.telemetryIntervalSeconds * 1000,
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      ...(flags.leaseNamespace ? { leaseNamespace: flags.leaseNamespace } : {}),
      notifications: { namespace: flags.notificationNamespace, selfService: flags.selfServiceNotifications },
      onLeadershipLost: () => (exitCode = EXIT.problems),
    });
    const shutdown = (): void => void manager.stop();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    try {
      await manager.start();
      await manager.whenStopped;
    } finally {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
    }
    return exitCode;
  },
};
