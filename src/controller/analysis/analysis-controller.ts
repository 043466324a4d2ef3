/**
 * The AnalysisRun controller: a second controller in the process, with its own workqueue and workers (Argo's
 * `--analysis-threads`, default 30). It reads runs from an AnalysisRun informer it is given — one informer, shared
 * with the Rollout controller, owned and started by the manager — measures through the registered providers, and
 * requeues each run exactly when its next measurement is due. Writes go through the Cluster it is given (fenced by
 * leader election in the manager).
 */
import type { AnalysisRun } from '../../api/analysis.js';
import type { ConditionEvaluator } from '../../analysis/condition-port.js';
import type { Cluster } from '../../kube/cluster.js';
import { systemClock, type Clock } from '../../kube/clock.js';
import type { Informer } from '../../kube/informer.js';
import { runWorkers, WorkQueue } from '../../kube/workqueue.js';
import type { ControllerLogger } from '../controller.js';
import { EventRecorder } from '../events.js';
import type { ReconcileOutcome } from '../reconcile.js';
import type { AnalysisMetrics } from './analysis-metrics.js';
import type { ProviderRegistry } from './provider-registry.js';
import { requeueFor, splitKey } from '../queue-keys.js';
import { reconcileAnalysisRun, type RunReconcileDeps } from './reconcile-run.js';
import { clusterSecretReader, type SecretReader } from './secrets.js';

/** Argo's `--analysis-threads` default. */
export const DEFAULT_ANALYSIS_WORKERS = 30;

export interface AnalysisRunControllerOptions {
  cluster: Cluster;
  /** The shared AnalysisRun informer (started and stopped by its owner). */
  runs: Informer<'AnalysisRun'>;
  /** Provider implementations by provider key; a metric whose provider is missing measures Error. */
  providers: ProviderRegistry;
  evaluate: ConditionEvaluator;
  /** Default: read Secrets through `cluster` (GET, never cached). */
  secrets?: SecretReader;
  clock?: Clock;
  metrics?: AnalysisMetrics;
  logger?: ControllerLogger;
}

interface Written {
  /** resourceVersion of the object the write was computed from. */
  fromVersion: string | undefined;
  run: AnalysisRun;
}

export class AnalysisRunController {
  readonly queue: WorkQueue;
  private readonly clock: Clock;
  private readonly deps: RunReconcileDeps;
  private readonly abort = new AbortController();
  /** The last object written per key, used while the cache still shows the version it replaced. */
  private readonly written = new Map<string, Written>();
  /** Per key, the exact end of each metric's last measurement (the next is due `interval` after it). */
  private readonly finishedAtMs = new Map<string, ReadonlyMap<string, number>>();
  /** Per key being reconciled, the resourceVersions its informer delivered meanwhile (echo or not: see below). */
  private readonly seenWhileReconciling = new Map<string, Set<string>>();

  constructor(private readonly options: AnalysisRunControllerOptions) {
    this.clock = options.clock ?? systemClock();
    this.queue = new WorkQueue({ clock: this.clock });
    const recorder = new EventRecorder<AnalysisRun>(options.cluster, {
      clock: this.clock,
      onError: (err) => options.logger?.warn({ err: err.message }, 'event not recorded'),
    });
    this.deps = {
      cluster: options.cluster,
      recorder,
      providers: options.providers,
      evaluate: options.evaluate,
      secrets: options.secrets ?? clusterSecretReader(options.cluster),
      now: () => this.clock.now(),
      signal: this.abort.signal,
      warn: (message, fields) => options.logger?.warn(fields, message),
      read: (namespace, name) => this.read(namespace, name),
      written: (before, after) =>
        this.written.set(`${namespace(after)}/${after.metadata.name}`, {
          fromVersion: before.metadata.resourceVersion,
          run: after,
        }),
      finishedAtMs: (key) => this.finishedAtMs.get(key),
      measured: (key, finished) => this.finishedAtMs.set(key, finished),
    };
    options.runs.onChange((key, type, run) => {
      const version = run.metadata.resourceVersion ?? '';
      if (type === 'DELETED') {
        this.written.delete(key);
        this.finishedAtMs.delete(key);
      } else if (this.queue.isProcessing(key)) {
        // Perhaps the echo of the write this reconcile is making: decided once it has returned (afterReconcile).
        const seen = this.seenWhileReconciling.get(key);
        if (seen) seen.add(version);
        else this.seenWhileReconciling.set(key, new Set([version]));
        return;
      }
      // The echo of this controller's own status write: its requeue is already scheduled.
      else if (this.written.get(key)?.run.metadata.resourceVersion === version) return;
      this.queue.add(key);
    });
  }

  hasSynced(): boolean {
    return this.options.runs.hasSynced();
  }

  /** Runs `workers` reconcile loops until `stop()`. */
  run(workers: number = DEFAULT_ANALYSIS_WORKERS): Promise<void> {
    return runWorkers(this.queue, workers, (key) => this.processKey(key).then(() => undefined));
  }

  stop(): void {
    this.abort.abort();
    this.queue.shutdown();
  }

  async processKey(key: string): Promise<ReconcileOutcome> {
    const started = performance.now();
    const outcome = await reconcileAnalysisRun(this.deps, key);
    const [ns, name] = splitKey(key);
    this.options.metrics?.observeReconcile(
      { namespace: ns, name },
      (performance.now() - started) / 1000,
      outcome.kind === 'retry',
    );
    this.afterReconcile(key, outcome);
    return outcome;
  }

  /**
   * The cached run, or the object last written when the cache still holds the version that write replaced. Both are
   * shared, not cloned: the reconcile only reads the run (the pure rules copy on write).
   */
  private read(ns: string, name: string): AnalysisRun | undefined {
    const key = `${ns}/${name}`;
    const cached = this.options.runs.getShared(ns, name);
    const written = this.written.get(key);
    if (!cached || !written) return cached;
    if (cached.metadata.resourceVersion === written.fromVersion) return written.run;
    if (cached.metadata.resourceVersion !== written.run.metadata.resourceVersion) this.written.delete(key);
    return cached;
  }

  private afterReconcile(key: string, outcome: ReconcileOutcome): void {
    // A version other than the one this reconcile wrote was someone else's change: reconcile again.
    const seen = this.seenWhileReconciling.get(key);
    this.seenWhileReconciling.delete(key);
    const wrote = this.written.get(key)?.run.metadata.resourceVersion;
    if (seen && [...seen].some((version) => version !== wrote)) this.queue.add(key);
    const log = this.options.logger;
    if (outcome.writes.length > 0)
      log?.info({ analysisRun: key, writes: outcome.writes }, 'analysis run reconciled');
    if (outcome.kind === 'retry')
      log?.warn({ analysisRun: key, err: outcome.error.message }, 'analysis run reconcile failed, retrying');
    requeueFor(this.queue, key, outcome);
  }
}

function namespace(run: AnalysisRun): string {
  return run.metadata.namespace ?? '';
}
