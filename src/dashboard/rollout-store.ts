/**
 * The dashboard's read side: informer caches of every kind the path model reads, the path analysis per Rollout
 * (recomputed when a cache changes), the AnalysisRuns, and view models with the latest observed shares and runs.
 * Informers another owner already runs over the same cluster (the sandbox's controller) are read, not duplicated:
 * one cache per kind in the process (ADR 0250).
 */
import { ownedBy, type KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Cluster, KindName } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { Informer, type ChangeType } from '../kube/informer.js';
import type { ReplicaSet } from '../api/workloads.js';
import type { AnalyzedPath, FindingSeverity, PathAnalysis } from '../view/path-analysis.js';
import { buildRolloutView, pathId, type ObservedShare, type RolloutView } from '../view/rollout-view.js';
import { AnalysisCache } from './analysis-cache.js';
import { NamespaceIndex } from './namespace-index.js';

const WATCHED_KINDS = [
  'Rollout',
  'ReplicaSet',
  'Pod',
  'Namespace',
  'Service',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'Sidecar',
  'PeerAuthentication',
] as const satisfies readonly KindName[];

type WatchedKind = (typeof WATCHED_KINDS)[number];
/** What the path model reads (not Pods: endpoints come from ReplicaSets; not Rollouts: passed one by one). */
const PATH_MODEL_KINDS = WATCHED_KINDS.filter((k) => k !== 'Rollout' && k !== 'Pod');

/**
 * Informers of the store's kinds that another owner starts and stops over the same cluster; the store adds its change
 * handlers to them and makes its own only for the kinds not given. The ReplicaSet one may be limited to ReplicaSets
 * with the pod-template-hash label (a Rollout's own ReplicaSets all have it).
 */
export type SharedInformers = { [K in WatchedKind | 'AnalysisRun']?: Informer<K> };

export interface RolloutSummary {
  namespace: string;
  name: string;
  phase: string;
  message: string;
  currentStep: number | null;
  totalSteps: number;
  weights: RolloutView['weights'];
  images: string[];
  /** Worst finding severity, null when there is none. */
  worst: FindingSeverity | null;
  /** Number of findings. */
  findings: number;
  /** Number of findings of each severity. */
  bySeverity: Record<FindingSeverity, number>;
}

const SEVERITIES_WORST_FIRST: readonly FindingSeverity[] = ['error', 'warning', 'info'];

/** One traffic path of one Rollout and the canary share it is predicted to get (the sandbox's synthetic clients). */
export interface PathShare {
  /** `ns/rollout|pathId` */
  id: string;
  /** Fraction 0..1; null when requests on the path fail. */
  canaryShare: number | null;
}

export interface RolloutStoreOptions {
  clock: Clock;
  /** Only this namespace ('' or omitted: all). Namespaces themselves are always listed cluster-wide. */
  namespace?: string;
  /**
   * Observed share of a path (`ns/rollout|pathId`), e.g. from the sandbox's request simulator, or Prometheus (the
   * context tells a reader what to ask about).
   */
  observed?: (key: string, context: ObservedContext) => ObservedShare | undefined;
  onError?: (error: Error) => void;
  /** Informers to read instead of making new ones (the sandbox passes its controller's). */
  shared?: SharedInformers;
}

/** What an observed-share reader may need: the Rollout, its ReplicaSets and paths, its namespace's DestinationRules. */
export interface ObservedContext {
  rollout: Rollout;
  replicaSets: readonly ReplicaSet[];
  paths: readonly AnalyzedPath[];
  destinationRules: readonly KubeObject[];
}

/** `ns/rollout|pathId`: one synthetic client in the request simulator. */
export const observedKey = (namespace: string, rollout: string, path: string): string =>
  `${namespace}/${rollout}|${path}`;

export class RolloutStore {
  private readonly informers: { [K in WatchedKind]: Informer<K> };
  /** The informers this store made, and so starts and stops (not the shared ones). */
  private readonly owned: Informer<KindName>[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly analyses: AnalysisCache;
  /** Not read by the path model: a measurement refreshes the views without re-analysing paths. */
  private readonly runs: Informer<'AnalysisRun'>;
  private readonly byNamespace = new NamespaceIndex();
  /** Rollout keys in display order; dropped when a Rollout is added or deleted. */
  private sortedKeys: string[] | undefined;
  /** The last `routablePaths()`, with the analysis refresh count and the Rollout order it was built from. */
  private paths: { paths: PathShare[]; refreshes: number; order: string[] | undefined } | undefined;

  constructor(
    cluster: Cluster,
    private readonly options: RolloutStoreOptions,
  ) {
    const make = <K extends WatchedKind | 'AnalysisRun'>(kind: K): Informer<K> => {
      const given = options.shared?.[kind];
      if (given) return given;
      const ns = kind === 'Namespace' ? '' : (options.namespace ?? '');
      const informer = new Informer(cluster, kind, {
        clock: options.clock,
        ...(ns ? { namespace: ns } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      });
      this.owned.push(informer as unknown as Informer<KindName>);
      return informer;
    };
    this.informers = Object.fromEntries(
      WATCHED_KINDS.map((kind) => {
        const informer = make(kind);
        informer.onChange((_key, type, object) => this.changed(kind, type, object.metadata.namespace ?? ''));
        return [kind, informer];
      }),
    ) as { [K in WatchedKind]: Informer<K> };
    this.runs = make('AnalysisRun');
    this.runs.onChange(() => {
      this.byNamespace.invalidate('AnalysisRun');
      this.notifyListeners();
    });
    this.analyses = new AnalysisCache({
      objects: () => PATH_MODEL_KINDS.flatMap((k): readonly KubeObject[] => this.informers[k].listShared()),
      rollouts: () => this.informers.Rollout.listShared(),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  /** Starts the informers this store made (shared ones are their owner's to start). */
  start(): void {
    for (const informer of this.owned) informer.start();
  }

  stop(): void {
    for (const informer of this.owned) informer.stop();
  }

  hasSynced(): boolean {
    return this.informers.Rollout.hasSynced();
  }

  /** Called after any cache change (not debounced). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  rollouts(): Rollout[] {
    const informer = this.informers.Rollout;
    this.sortedKeys ??= informer
      .list()
      .sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
          a.metadata.name.localeCompare(b.metadata.name),
      )
      .map((r) => `${r.metadata.namespace ?? ''}/${r.metadata.name}`);
    return this.sortedKeys.flatMap((key) => {
      const [namespace = '', name = ''] = key.split('/');
      const rollout = informer.get(namespace, name);
      return rollout ? [rollout] : [];
    });
  }

  summaries(): RolloutSummary[] {
    return this.rollouts().map((r) => summarise(this.viewOf(r)));
  }

  view(namespace: string, name: string): RolloutView | undefined {
    const rollout = this.informers.Rollout.get(namespace, name);
    return rollout ? this.viewOf(rollout) : undefined;
  }

  views(): RolloutView[] {
    return this.rollouts().map((r) => this.viewOf(r));
  }

  /**
   * Every path of every Rollout with its predicted share: the request simulator's clients. The same array while no
   * analysis was refreshed and no Rollout was added or deleted (the simulator reads it twice a second).
   */
  routablePaths(): readonly PathShare[] {
    const refreshes = this.analyses.refreshIfDue();
    const rollouts = this.rollouts();
    const cached = this.paths;
    if (cached && cached.refreshes === refreshes && cached.order === this.sortedKeys) return cached.paths;
    const paths: PathShare[] = [];
    for (const rollout of rollouts) {
      const { namespace = '', name } = rollout.metadata;
      for (const path of this.analysisOf(rollout).paths) {
        paths.push({ id: observedKey(namespace, name, pathId(path)), canaryShare: path.canaryShare });
      }
    }
    this.paths = { paths, refreshes: this.analyses.refreshIfDue(), order: this.sortedKeys };
    return paths;
  }

  private changed(kind: WatchedKind, type: ChangeType, namespace: string): void {
    if (type === 'RESYNC') return;
    if (kind === 'Rollout' && type !== 'MODIFIED') this.sortedKeys = undefined;
    this.byNamespace.invalidate(kind);
    this.analyses.invalidate(kind, namespace);
    this.notifyListeners();
  }

  private notifyListeners(): void {
    for (const listener of this.listeners) listener();
  }

  private viewOf(rollout: Rollout): RolloutView {
    const { namespace = '' } = rollout.metadata;
    const replicaSets = this.byNamespace
      .of(this.informers.ReplicaSet, namespace)
      .filter((rs) => ownedBy(rs, rollout));
    const pods = [...this.byNamespace.of(this.informers.Pod, namespace)];
    const analysis = this.analysisOf(rollout);
    const observed = new Map<string, ObservedShare>();
    const lookup = this.options.observed;
    if (lookup) {
      const destinationRules = this.informers.DestinationRule.listShared(namespace);
      const context = { rollout, replicaSets, paths: analysis.paths, destinationRules };
      for (const path of analysis.paths) {
        const seen = lookup(observedKey(namespace, rollout.metadata.name, pathId(path)), context);
        if (seen) observed.set(pathId(path), seen);
      }
    }
    const analysisRuns = this.byNamespace.of(this.runs, namespace);
    return buildRolloutView({ rollout, replicaSets, pods, analysis, observed, analysisRuns });
  }

  private analysisOf(rollout: Rollout): PathAnalysis {
    return this.analyses.get(rollout);
  }
}

/** The list row of one Rollout: phase, step, weights, images and its findings counted per severity. */
export function summarise(view: RolloutView): RolloutSummary {
  const bySeverity: Record<FindingSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of view.findings) bySeverity[finding.severity] += 1;
  const worst = SEVERITIES_WORST_FIRST.find((severity) => bySeverity[severity] > 0) ?? null;
  return {
    namespace: view.namespace,
    name: view.name,
    phase: view.phase,
    message: view.message,
    currentStep: view.currentStep,
    totalSteps: view.steps.length,
    weights: view.weights,
    images: [...new Set(view.revisions.filter((r) => r.role !== 'old').flatMap((r) => r.images))],
    worst,
    findings: view.findings.length,
    bySeverity,
  };
}
