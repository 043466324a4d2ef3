/**
 * The controller process: informers, workers, leader election, and the HTTP endpoints — /healthz (liveness: the
 * process runs and serves; an API-server outage must not restart every replica at once), /readyz (the core caches
 * are synced), /metrics (Prometheus). Only the leader runs workers, and only the leader's writes reach the API
 * server (fenced-cluster.ts); every replica keeps its caches warm so a takeover starts reconciling at once.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { ConditionEvaluator } from '../analysis/condition-port.js';
import type { Cluster } from '../kube/cluster.js';
import { systemClock, type Clock } from '../kube/clock.js';
import { fenceWrites } from '../kube/fenced-cluster.js';
import { Informer } from '../kube/informer.js';
import { instrumentCluster } from '../kube/instrumented-cluster.js';
import { LeaderElector } from '../kube/leader-election.js';
import { AnalysisRunController, DEFAULT_ANALYSIS_WORKERS } from './analysis/analysis-controller.js';
import { defaultConditionEvaluator, defaultProviders } from './analysis/analysis-defaults.js';
import { registerAnalysisMetrics } from './analysis/analysis-metrics.js';
import type { ProviderRegistry } from './analysis/provider-registry.js';
import { RolloutController, type ControllerLogger } from './controller.js';
import { createControllerMetrics, type ControllerMetrics } from './metrics.js';
import { defaultPlanning, type Planning } from './planning.js';
import { createNotifier, type HttpSender, type Notifier } from './notifications.js';
import { ownedBy } from '../api/meta.js';
import { querySplitVectors } from '../analysis/providers/split-vectors.js';
import { TelemetryPoller, type TelemetryPollerOptions } from './observe-telemetry.js';

export interface ManagerOptions {
  cluster: Cluster;
  namespace?: string;
  workers?: number;
  /** AnalysisRun reconcile workers (`--analysis-workers`, default 30 like Argo's `--analysis-threads`). */
  analysisWorkers?: number;
  /** Metric providers by key; default `defaultProviders` (analysis/analysis-defaults.ts). */
  providers?: ProviderRegistry;
  /** successCondition / failureCondition evaluator; without one every condition measures Error. */
  conditionEvaluator?: ConditionEvaluator;
  leaderElect?: boolean;
  /** Namespace of the leader-election Lease (default: the watched namespace, else kube-system). */
  leaseNamespace?: string;
  identity?: string;
  /** 0 picks a free port; undefined disables the endpoint. */
  metricsPort?: number;
  healthzPort?: number;
  clock?: Clock;
  resyncMs?: number;
  logger: ControllerLogger;
  planning?: Planning;
  /** Notifications (Argo's format): the ConfigMap's namespace, and whether Rollout namespaces may add their own. */
  notifications?: { namespace: string; selfService: boolean; send?: HttpSender };
  /**
   * `--prometheus-address`: Istio's telemetry for the observed split (a Rollout's `truesplit.io/prometheus-address`
   * overrides it) and the address of `prometheus` and `truesplit` metrics without one. None: no telemetry is read.
   */
  prometheusAddress?: string;
  /** How often each Rollout's observed split is read at most (`--telemetry-interval`, default 15 s). */
  telemetryIntervalMs?: number;
  /** The observed split's queries (default `querySplitVectors`). */
  querySplit?: TelemetryPollerOptions['query'];
  /** Called after the manager stopped because it lost the lease (the CLI exits non-zero). */
  onLeadershipLost?: () => void;
}

export interface HealthReport {
  /** Liveness: the process has not stopped. */
  healthy: boolean;
  /** Readiness: the core caches are synced. */
  ready: boolean;
  /** Informers stopped, silent or failing (reported on /readyz, never a reason to restart). */
  unhealthyInformers: string[];
  leader: boolean;
}

export class ControllerManager {
  readonly metrics: ControllerMetrics;
  readonly controller: RolloutController;
  /** The one AnalysisRun informer of the process, read by the AnalysisRun controller (and the Rollout side). */
  readonly analysisRuns: Informer<'AnalysisRun'>;
  readonly analysis: AnalysisRunController;
  readonly notifier: Notifier | undefined;
  readonly telemetry: TelemetryPoller;
  private readonly clock: Clock;
  private readonly elector: LeaderElector | undefined;
  private readonly servers: Server[] = [];
  private workers: Promise<void> | undefined;
  private analysisWorkers: Promise<void> | undefined;
  private stopped = false;
  private resolveStopped: () => void = () => undefined;
  /** Resolves once `stop()` finished (a signal, or leadership lost). */
  readonly whenStopped: Promise<void> = new Promise((resolve) => (this.resolveStopped = resolve));

  constructor(private readonly options: ManagerOptions) {
    this.clock = options.clock ?? systemClock();
    this.metrics = createControllerMetrics();
    const cluster = instrumentCluster(options.cluster, (r) => this.metrics.countRequest(r));
    const controllerCluster = options.leaderElect
      ? fenceWrites(cluster, () => this.elector?.isLeader() === true && !this.stopped)
      : cluster;
    this.analysisRuns = new Informer(controllerCluster, 'AnalysisRun', {
      clock: this.clock,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
      onError: (err) => options.logger.warn({ kind: 'AnalysisRun', err: err.message }, 'informer restarting'),
    });
    this.notifier = options.notifications
      ? createNotifier({
          ...options.notifications,
          cluster: controllerCluster,
          clock: this.clock,
          registry: this.metrics.registry,
          logger: options.logger,
        })
      : undefined;
    const notifier = this.notifier;
    this.controller = new RolloutController({
      analysisRuns: this.analysisRuns,
      cluster: controllerCluster,
      planning: options.planning ?? defaultPlanning,
      clock: this.clock,
      metrics: this.metrics,
      logger: options.logger,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
      ...(notifier ? { onEventsRecorded: (rollout, pass) => notifier.notify(rollout, pass) } : {}),
      telemetryOf: (key) => this.telemetry.reading(key),
    });
    this.telemetry = this.createTelemetryPoller();
    this.analysis = new AnalysisRunController({
      cluster: controllerCluster,
      runs: this.analysisRuns,
      providers:
        options.providers ??
        defaultProviders({
          cluster: controllerCluster,
          ...(options.prometheusAddress ? { defaultPrometheusAddress: options.prometheusAddress } : {}),
        }),
      evaluate: options.conditionEvaluator ?? defaultConditionEvaluator,
      clock: this.clock,
      logger: options.logger,
      metrics: registerAnalysisMetrics(this.metrics.registry, () => this.analysisRuns.list()),
    });
    if (options.leaderElect) {
      this.elector = new LeaderElector({
        cluster,
        clock: this.clock,
        namespace: options.leaseNamespace ?? options.namespace ?? 'kube-system',
        identity: options.identity ?? `${hostname()}_${process.pid}`,
        onStartedLeading: () => this.startWorkers(),
        onStoppedLeading: () => this.lostLeadership(),
        onError: (err) => options.logger.warn({ err: err.message }, 'leader election'),
      });
    }
  }

  /** Starts the endpoints and informers, then (as leader, or at once without election) the workers. */
  async start(): Promise<{ metricsPort?: number; healthzPort?: number }> {
    const ports = await this.listen();
    this.controller.startInformers();
    this.analysisRuns.start();
    if (this.elector) this.elector.start();
    else this.startWorkers();
    this.options.logger.info(
      { ...ports, namespace: this.options.namespace ?? '(all)' },
      'controller started',
    );
    return ports;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.elector?.stop();
    this.controller.stop();
    this.telemetry.stop();
    this.notifier?.stop();
    this.analysis.stop();
    this.analysisRuns.stop();
    await Promise.all([this.workers, this.analysisWorkers]);
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.options.logger.info({}, 'controller stopped');
    this.resolveStopped();
  }

  health(): HealthReport {
    const now = this.clock.now();
    const unhealthyInformers = this.stopped
      ? ['stopped']
      : [
          ...this.controller.unhealthyInformers(now),
          ...(this.analysisRuns.healthy(now) ? [] : ['analysisRuns']),
        ];
    return {
      healthy: !this.stopped,
      ready: !this.stopped && this.controller.hasSynced(),
      unhealthyInformers,
      leader: this.elector ? this.elector.isLeader() : true,
    };
  }

  /** Reads Istio's telemetry for Rollouts in a canary; a changed reading enqueues the Rollout. */
  private createTelemetryPoller(): TelemetryPoller {
    const { informers } = this.controller;
    return new TelemetryPoller({
      ...(this.options.prometheusAddress ? { defaultAddress: this.options.prometheusAddress } : {}),
      ...(this.options.telemetryIntervalMs ? { intervalMs: this.options.telemetryIntervalMs } : {}),
      clock: this.clock,
      rollouts: () => informers.rollouts.list(),
      sourcesOf: (rollout) => ({
        destinationRuleHost: (ns, name) => informers.destinationRules.get(ns, name)?.spec.host,
        replicaSets: informers.replicaSets.list(rollout.metadata.namespace, (rs) => ownedBy(rs, rollout)),
      }),
      query: this.options.querySplit ?? querySplitVectors,
      onChange: (key) => this.controller.queue.add(key),
    });
  }

  private startWorkers(): void {
    if (this.workers || this.stopped) return;
    const workers = this.options.workers ?? 10;
    this.workers = this.waitForSync(() => this.controller.hasSynced()).then(() => {
      this.options.logger.info({ workers }, 'caches synced, reconciling');
      if (!this.stopped) this.telemetry.start();
      return this.controller.run(workers);
    });
    // AnalysisRuns do not gate the Rollout controller: without the CRD its informer retries and only analysis waits.
    const analysisWorkers = this.options.analysisWorkers ?? DEFAULT_ANALYSIS_WORKERS;
    this.analysisWorkers = this.waitForSync(() => this.analysis.hasSynced()).then(() => {
      if (this.stopped) return;
      this.options.logger.info({ analysisWorkers }, 'AnalysisRun cache synced, measuring');
      return this.analysis.run(analysisWorkers);
    });
  }

  /** controller-runtime's stance: a replica that lost the lease exits and is restarted as a clean standby. */
  private lostLeadership(): void {
    if (this.stopped) return;
    this.options.logger.error({}, 'leadership lost, shutting down');
    void this.stop().then(() => this.options.onLeadershipLost?.());
  }

  private async waitForSync(synced: () => boolean): Promise<void> {
    while (!synced() && !this.stopped) {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 100));
    }
  }

  private async listen(): Promise<{ metricsPort?: number; healthzPort?: number }> {
    const { metricsPort, healthzPort } = this.options;
    const result: { metricsPort?: number; healthzPort?: number } = {};
    const shared = healthzPort !== undefined && healthzPort !== 0 && healthzPort === metricsPort;
    if (healthzPort !== undefined && !shared)
      result.healthzPort = await this.serve(healthzPort, (path) => this.healthResponse(path));
    if (metricsPort !== undefined) {
      result.metricsPort = await this.serve(metricsPort, async (path) =>
        path === '/metrics'
          ? {
              status: 200,
              type: this.metrics.registry.contentType,
              body: await this.metrics.registry.metrics(),
            }
          : this.healthResponse(path),
      );
      if (shared) result.healthzPort = result.metricsPort;
    }
    return result;
  }

  private healthResponse(path: string): { status: number; type: string; body: string } {
    const report = this.health();
    if (path === '/healthz') {
      const ok = report.healthy;
      return { status: ok ? 200 : 503, type: 'text/plain', body: ok ? 'ok\n' : 'not ok: stopped\n' };
    }
    if (path === '/readyz') {
      const failing = report.unhealthyInformers;
      const detail = failing.length > 0 ? ` (informers not healthy: ${failing.join(', ')})` : '';
      const body = report.ready ? `ok${detail}\n` : `not ok: caches not synced${detail}\n`;
      return { status: report.ready ? 200 : 503, type: 'text/plain', body };
    }
    return { status: 404, type: 'text/plain', body: 'not found\n' };
  }

  private serve(
    port: number,
    respond: (
      path: string,
    ) =>
      | Promise<{ status: number; type: string; body: string }>
      | { status: number; type: string; body: string },
  ): Promise<number> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      Promise.resolve(respond(path))
        .then((r) => res.writeHead(r.status, { 'Content-Type': r.type }).end(r.body))
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }
}
