/**
 * The dashboard's read side: informer caches of every kind the path model reads, the path analysis per Rollout
 * (recomputed when a cache changes), the AnalysisRuns, and view models with the latest observed shares and runs.
 */
import { ownedBy, type KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Cluster, KindName } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { Informer } from '../kube/informer.js';
import type { ReplicaSet } from '../api/workloads.js';
import type { AnalyzedPath, FindingSeverity, PathAnalysis } from '../view/path-analysis.js';
import { buildRolloutView, pathId, type ObservedShare, type RolloutView } from '../view/rollout-view.js';
import { AnalysisCache } from './analysis-cache.js';

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
  private readonly listeners = new Set<() => void>();
  private readonly analyses: AnalysisCache;
  /** Not read by the path model: a measurement refreshes the views without re-analysing paths. */
  private readonly runs: Informer<'AnalysisRun'>;

  constructor(
    cluster: Cluster,
    private readonly options: RolloutStoreOptions,
  ) {
    const make = <K extends WatchedKind>(kind: K): Informer<K> => {
      const ns = kind === 'Namespace' ? '' : (options.namespace ?? '');
      const informer = new Informer(cluster, kind, {
        clock: options.clock,
        ...(ns ? { namespace: ns } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      });
      informer.onChange((_key, _type, object) => this.changed(kind, object.metadata.namespace ?? ''));
      return informer;
    };
    this.informers = Object.fromEntries(WATCHED_KINDS.map((k) => [k, make(k)])) as {
      [K in WatchedKind]: Informer<K>;
    };
    this.runs = new Informer(cluster, 'AnalysisRun', {
      clock: options.clock,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    this.runs.onChange(() => this.notifyListeners());
    this.analyses = new AnalysisCache({
      objects: () =>
        WATCHED_KINDS.flatMap((k): readonly KubeObject[] =>
          k === 'Rollout' ? [] : this.informers[k].listShared(),
        ),
      rollouts: () => this.informers.Rollout.listShared(),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  start(): void {
    for (const kind of WATCHED_KINDS) this.informers[kind].start();
    this.runs.start();
  }

  stop(): void {
    for (const kind of WATCHED_KINDS) this.informers[kind].stop();
    this.runs.stop();
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
    return this.informers.Rollout.list().sort(
      (a, b) =>
        (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
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

  /** Every path of every Rollout with its predicted share: the request simulator's clients. */
  routablePaths(): PathShare[] {
    const result: PathShare[] = [];
    for (const rollout of this.rollouts()) {
      const { namespace = '', name } = rollout.metadata;
      for (const path of this.analysisOf(rollout).paths) {
        result.push({ id: observedKey(namespace, name, pathId(path)), canaryShare: path.canaryShare });
      }
    }
    return result;
  }

  private changed(kind: WatchedKind, namespace: string): void {
    this.analyses.invalidate(kind, namespace);
    this.notifyListeners();
  }

  private notifyListeners(): void {
    for (const listener of this.listeners) listener();
  }

  private viewOf(rollout: Rollout): RolloutView {
    const { namespace = '' } = rollout.metadata;
    const replicaSets = this.informers.ReplicaSet.list(namespace).filter((rs) => ownedBy(rs, rollout));
    const pods = this.informers.Pod.list(namespace);
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
    const analysisRuns = this.runs.listShared(namespace);
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
