/**
 * The Rollout controller: informers for every kind the reconciler reads, the enqueue rules that map their events to
 * Rollout keys, the workqueue, and the loop that turns a reconcile outcome into queue operations. Only the core
 * informers (Rollout, ReplicaSet, Service, VirtualService, DestinationRule) gate start-up; the path model's own kinds
 * are optional (optional-kinds.ts).
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet } from '../api/workloads.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { Cluster, KindName } from '../kube/cluster.js';
import { systemClock, type Clock } from '../kube/clock.js';
import { Informer, type InformerOptions } from '../kube/informer.js';
import { SCOPE_INDEXERS } from '../mesh/scope-keys.js';
import { runWorkers, WorkQueue } from '../kube/workqueue.js';
import { EventRecorder } from './events.js';
import { WriteExpectations } from './expectations.js';
import type { ControllerMetrics } from './metrics.js';
import { owningRolloutKey, ReferenceIndex, type ControllerCaches, type PathCaches } from './observe.js';
import { resourceName, UNAVAILABLE_FINDING, type UnavailableKind } from './optional-kinds.js';
import { PathModelMemo, type Planning } from './planning.js';
import { wireAnalysisEnqueueRules } from './analysis-enqueue.js';
import type { AnalysisCaches } from './observe-analysis.js';
import { wirePathEnqueueRules } from './path-enqueue.js';
import { requeueFor, splitKey } from './queue-keys.js';
import { reconcileRollout, type ReconcileDeps, type ReconcileOutcome } from './reconcile.js';

export interface ControllerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RolloutControllerOptions {
  cluster: Cluster;
  planning: Planning;
  clock?: Clock;
  /** Watch one namespace only (`--namespace`); default all. */
  namespace?: string;
  resyncMs?: number;
  metrics?: ControllerMetrics;
  logger?: ControllerLogger;
  /**
   * The process's one AnalysisRun informer, shared with the AnalysisRun controller (the manager creates it); without
   * it the controller makes its own.
   */
  analysisRuns?: Informer<'AnalysisRun'>;
  /** Told each pass's recorded events (the notifier: it queues and returns). */
  onEventsRecorded?: ReconcileDeps['onEventsRecorded'];
  /** The latest telemetry reading per Rollout key (the telemetry poller), put into each pass's observation. */
  telemetryOf?: ReconcileDeps['telemetryOf'];
}

/** What every reconcile reads: these gate start-up and readiness. */
const CORE_INFORMERS = [
  'rollouts',
  'replicaSets',
  'services',
  'virtualServices',
  'destinationRules',
] as const;
/** Read by the traffic-path model only (path-snapshot.ts): missing or forbidden, they degrade the model. */
const OPTIONAL_INFORMERS = ['namespaces', 'gateways', 'sidecars', 'peerAuthentications'] as const;
/** Read for Rollouts with analysis: missing or forbidden, such a Rollout is InvalidSpec (ADR 0145). */
const ANALYSIS_INFORMERS = ['analysisRuns', 'analysisTemplates', 'clusterAnalysisTemplates'] as const;

interface Informers {
  rollouts: Informer<'Rollout'>;
  replicaSets: Informer<'ReplicaSet'>;
  services: Informer<'Service'>;
  virtualServices: Informer<'VirtualService'>;
  destinationRules: Informer<'DestinationRule'>;
  /** `workloadRef` targets (not gating start-up: only Rollouts with a workloadRef read them). */
  deployments: Informer<'Deployment'>;
  /** ReplicaSets without the Rollout hash label: a workloadRef's ReplicaSet (the core cache lists only labelled ones). */
  workloadReplicaSets: Informer<'ReplicaSet'>;
  podTemplates: Informer<'PodTemplate'>;
  /** Read by the traffic-path model only (observe-mesh.ts). */
  namespaces: Informer<'Namespace'>;
  gateways: Informer<'Gateway'>;
  sidecars: Informer<'Sidecar'>;
  peerAuthentications: Informer<'PeerAuthentication'>;
  analysisRuns: Informer<'AnalysisRun'>;
  analysisTemplates: Informer<'AnalysisTemplate'>;
  clusterAnalysisTemplates: Informer<'ClusterAnalysisTemplate'>;
}

export class RolloutController {
  readonly queue: WorkQueue;
  readonly informers: Informers;
  readonly references = new ReferenceIndex();
  readonly expectations = new WriteExpectations();
  /** The path model, evaluated again only when one of a Rollout's inputs changed (ADR 0240). */
  readonly pathModel = new PathModelMemo();
  private readonly planning: Planning;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;

  constructor(private readonly options: RolloutControllerOptions) {
    this.clock = options.clock ?? systemClock();
    this.planning = { ...options.planning, pathModel: options.planning.pathModel ?? this.pathModel };
    const metrics = options.metrics;
    this.queue = new WorkQueue({
      clock: this.clock,
      ...(metrics ? { onDepthChange: (d) => metrics.setQueueDepth(d) } : {}),
    });
    this.recorder = new EventRecorder(options.cluster, {
      clock: this.clock,
      ...(metrics ? { onEvent: (r, e) => metrics.countEvent(r, e) } : {}),
      onError: (err) => options.logger?.warn({ err: err.message }, 'event not recorded'),
    });
    this.informers = {
      rollouts: this.informer('Rollout'),
      replicaSets: this.informer('ReplicaSet', { labelSelector: POD_TEMPLATE_HASH_LABEL }),
      services: this.informer('Service'),
      virtualServices: this.informer('VirtualService'),
      destinationRules: this.informer('DestinationRule'),
      deployments: this.informer('Deployment'),
      workloadReplicaSets: this.informer('ReplicaSet', { labelSelector: `!${POD_TEMPLATE_HASH_LABEL}` }),
      podTemplates: this.informer('PodTemplate'),
      namespaces: this.informer('Namespace'),
      gateways: this.informer('Gateway'),
      sidecars: this.informer('Sidecar'),
      peerAuthentications: this.informer('PeerAuthentication'),
      analysisRuns: options.analysisRuns ?? this.informer('AnalysisRun'),
      analysisTemplates: this.informer('AnalysisTemplate'),
      clusterAnalysisTemplates: this.informer('ClusterAnalysisTemplate'),
    };
    this.wireExpectations();
    this.wireEnqueueRules();
    metrics?.setRolloutSource(() => this.informers.rollouts.list());
  }

  get caches(): ControllerCaches & PathCaches & AnalysisCaches {
    return {
      ...this.informers,
      unavailableKinds: () => this.unavailableKinds(),
      unavailableAnalysisKinds: () => this.unavailableAnalysisKinds(),
    };
  }

  /** The analysis kinds that cannot be listed, by resource name (`analysisruns.argoproj.io`). */
  unavailableAnalysisKinds(): { resource: string; reason: 'not-found' | 'forbidden' }[] {
    return ANALYSIS_INFORMERS.flatMap((name) => {
      const informer = this.informers[name] as Informer<KindName>;
      const reason = informer.unavailable();
      return reason ? [{ resource: resourceName(informer.kind), reason }] : [];
    });
  }

  /** Optional kinds that cannot be listed (404: CRD not installed, 403: RBAC). */
  unavailableKinds(): UnavailableKind[] {
    return OPTIONAL_INFORMERS.flatMap((name) => {
      const informer = this.informers[name] as Informer<KindName>;
      const reason = informer.unavailable();
      return reason ? [{ kind: informer.kind, reason }] : [];
    });
  }

  startInformers(): void {
    for (const informer of Object.values(this.informers) as Informer<KindName>[]) informer.start();
  }

  stop(): void {
    this.queue.shutdown();
    void this.recorder.flush();
    for (const informer of Object.values(this.informers) as Informer<KindName>[]) informer.stop();
  }

  /**
   * The core caches are filled, and the analysis ones unless their kind cannot be listed (a run must not be created
   * twice because its cache was still empty): reconciling may start (readiness).
   */
  hasSynced(): boolean {
    const analysis = ANALYSIS_INFORMERS.every((name) => {
      const informer = this.informers[name] as Informer<KindName>;
      return informer.hasSynced() || informer.unavailable() !== undefined;
    });
    return analysis && CORE_INFORMERS.every((name) => this.informers[name].hasSynced());
  }

  /** Informers that are stopped, silent or failing for too long (reported on /readyz). */
  unhealthyInformers(now: number): string[] {
    return Object.entries(this.informers)
      .filter(([, informer]) => !(informer as Informer<KindName>).healthy(now))
      .map(([name]) => name);
  }

  /** Runs `workers` reconcile loops until `stop()`. */
  run(workers: number): Promise<void> {
    return runWorkers(this.queue, workers, (key) => this.processKey(key).then(() => undefined));
  }

  /**
   * One reconcile of `key`, and the queue bookkeeping its outcome calls for. While the caches do not show the
   * Rollout's last writes yet, the pass waits for their watch events (which enqueue it) instead of planning again.
   */
  async processKey(key: string): Promise<ReconcileOutcome> {
    const wait = this.expectations.waiting(key, this.clock.now());
    if (wait !== undefined) {
      this.queue.addAfter(key, wait);
      return { kind: 'done', requeueAfterMs: wait, writes: [] };
    }
    const started = performance.now();
    const metrics = this.options.metrics;
    const outcome = await reconcileRollout(
      {
        cluster: this.options.cluster,
        caches: this.caches,
        clock: this.clock,
        recorder: this.recorder,
        planning: this.planning,
        ...(metrics ? { onPathTruth: (r, truth) => metrics.observePathTruth(r, truth) } : {}),
        ...(metrics ? { onPropagationWait: (r, wait) => metrics.observePropagation(r, wait) } : {}),
        ...(this.options.onEventsRecorded ? { onEventsRecorded: this.options.onEventsRecorded } : {}),
        ...(this.options.telemetryOf ? { telemetryOf: this.options.telemetryOf } : {}),
      },
      key,
    );
    this.expectations.expect(key, outcome.written ?? [], this.clock.now());
    this.afterReconcile(key, outcome, (performance.now() - started) / 1000);
    return outcome;
  }

  private afterReconcile(key: string, outcome: ReconcileOutcome, seconds: number): void {
    const [namespace, name] = splitKey(key);
    const log = this.options.logger;
    this.options.metrics?.observeReconcile(
      { namespace, name },
      seconds,
      outcome.kind === 'retry' ? 'error' : outcome.kind,
    );
    if (outcome.writes.length > 0) log?.info({ rollout: key, writes: outcome.writes }, 'reconciled');
    if (outcome.kind === 'requeue')
      log?.info({ rollout: key, reason: outcome.reason }, 'conflict, requeued with backoff');
    if (outcome.kind === 'retry')
      log?.warn({ rollout: key, err: outcome.error.message }, 'reconcile failed, retrying with backoff');
    requeueFor(this.queue, key, outcome);
  }

  private informer<K extends KindName>(kind: K, extra: InformerOptions = {}): Informer<K> {
    const options: InformerOptions = {
      clock: this.clock,
      ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
      ...(this.options.resyncMs !== undefined ? { resyncMs: this.options.resyncMs } : {}),
      onError: (err) => this.informerFailed(kind, err),
      ...scopeIndexer(kind),
      ...extra,
    };
    return new Informer(this.options.cluster, kind, options);
  }

  /** Logs an informer failure; an optional kind that cannot be listed says which finding the model now raises. */
  private informerFailed(kind: KindName, err: Error): void {
    const log = this.options.logger;
    const unavailable = this.unavailableKinds().find((u) => u.kind === kind);
    if (unavailable) {
      const finding = UNAVAILABLE_FINDING[unavailable.reason];
      log?.warn(
        { kind, resource: resourceName(kind), finding, err: err.message },
        'optional kind unavailable, path model degraded',
      );
    } else log?.warn({ kind, err: err.message }, 'informer restarting');
  }

  /** Every delivered object settles the write expectations waiting for it (before the enqueue rules run). */
  private wireExpectations(): void {
    for (const name of CORE_INFORMERS) {
      const informer = this.informers[name] as Informer<KindName>;
      informer.onChange((key, type, object) =>
        this.expectations.observed(
          `${informer.kind}/${key}`,
          object.metadata.resourceVersion,
          type === 'RESYNC' || type === 'DELETED',
        ),
      );
    }
  }

  /** A ReplicaSet other than the Rollout's stable one with every replica available: the step can move on now. */
  private canaryAvailable(rolloutKey: string, rs: ReplicaSet): boolean {
    const replicas = rs.spec.replicas ?? 0;
    if (replicas === 0 || (rs.status?.availableReplicas ?? 0) < replicas) return false;
    const [namespace = '', name = ''] = rolloutKey.split('/');
    const stable = this.informers.rollouts.get(namespace, name)?.status?.stableRS;
    return stable !== undefined && rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] !== stable;
  }

  /** Level-based enqueue rules: every event becomes the key of each Rollout it can affect. */
  private wireEnqueueRules(): void {
    this.informers.rollouts.onChange((key, type, rollout: Rollout) => {
      this.references.update(key, type === 'DELETED' ? undefined : rollout);
      if (type === 'DELETED') this.pathModel.forget(key);
      this.queue.add(key);
    });
    this.informers.replicaSets.onChange((_key, _type, rs: ReplicaSet) => {
      const owner = owningRolloutKey(rs);
      if (!owner) return;
      if (this.canaryAvailable(owner, rs)) this.queue.addUrgent(owner);
      else this.queue.add(owner);
    });
    const byReference = (kind: string) => (key: string) => {
      for (const rolloutKey of this.references.rolloutsReferencing(`${kind}/${key}`))
        this.queue.add(rolloutKey);
    };
    this.informers.services.onChange(byReference('Service'));
    this.informers.virtualServices.onChange(byReference('VirtualService'));
    this.informers.destinationRules.onChange(byReference('DestinationRule'));
    this.informers.deployments.onChange(byReference('Deployment'));
    this.informers.workloadReplicaSets.onChange(byReference('ReplicaSet'));
    this.informers.podTemplates.onChange(byReference('PodTemplate'));
    wirePathEnqueueRules(this.informers, (key) => this.queue.add(key));
    wireAnalysisEnqueueRules(this.informers, (key) => this.queue.add(key));
  }
}

/** The scope's index keys for the kinds a pass looks up by them (ADR 0320). */
function scopeIndexer(kind: KindName): Pick<InformerOptions, 'indexer'> {
  const keys = (SCOPE_INDEXERS as Partial<Record<KindName, (object: never) => readonly string[]>>)[kind];
  return keys ? { indexer: keys as (object: KubeObject) => readonly string[] } : {};
}
