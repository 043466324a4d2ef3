/**
 * The path analyses of the dashboard's Rollouts, recomputed lazily and only where something changed. A change to a
 * namespaced object a Rollout's own analysis reads (Rollout, ReplicaSet, Service, DestinationRule) makes only
 * that namespace's Rollouts stale; objects seen across namespaces (Namespace, VirtualService, Gateway, Sidecar,
 * PeerAuthentication) make every Rollout stale. A refresh builds the snapshot once and re-analyses the stale Rollouts.
 * When a refresh is slow (thousands of Rollouts while pods churn), the next one waits 4× its duration, so analysis
 * takes at most ~20 % of the process and the controller sharing it keeps going; small setups are always fresh.
 * A delayed view shows the analysis of a few seconds ago next to the Rollout's current status.
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { meshSourceOf, type MeshSource } from '../plan/mesh-observation.js';
import { controllerPathAnalysisIn } from '../view/path-verdict.js';
import type { PathAnalysis } from '../view/path-analysis.js';

const SCOPED_KINDS = new Set(['Rollout', 'ReplicaSet', 'Service', 'DestinationRule']);
/** Kinds the path analysis never reads: endpoints are counted from ReplicaSets' status. */
const UNREAD_KINDS = new Set(['Pod', 'AnalysisRun']);
/**
 * Refreshes faster than this are never delayed, so a small setup (the demo, a few dozen Rollouts) always shows an
 * analysis that matches the Rollout's current status, even on a loaded machine.
 */
const ALWAYS_FRESH_MS = 250;
const SPACING_FACTOR = 4;
const EMPTY: PathAnalysis = { paths: [], findings: [] };

export interface AnalysisSource {
  /** Every cached object the path model reads except Rollouts (shared, read only). */
  objects(): readonly KubeObject[];
  rollouts(): readonly Rollout[];
  onError?: (err: Error) => void;
}

const keyOf = (rollout: Rollout) => `${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`;

export class AnalysisCache {
  private readonly analyses = new Map<string, PathAnalysis>();
  private readonly staleNamespaces = new Set<string>();
  private allStale = true;
  private notBefore = 0;
  private refreshes = 0;

  constructor(private readonly source: AnalysisSource) {}

  /** An object of `kind` in `namespace` changed. */
  invalidate(kind: string, namespace: string): void {
    if (UNREAD_KINDS.has(kind)) return;
    if (SCOPED_KINDS.has(kind)) this.staleNamespaces.add(namespace);
    else this.allStale = true;
  }

  get(rollout: Rollout): PathAnalysis {
    if (!this.analyses.has(keyOf(rollout))) this.refresh();
    else this.refreshIfDue();
    return this.analyses.get(keyOf(rollout)) ?? EMPTY;
  }

  /**
   * Refreshes when something changed and no slow refresh asks to wait; returns the number of refreshes so far, which
   * changes exactly when an analysis may have (readers that derive from every analysis cache by it).
   */
  refreshIfDue(): number {
    const stale = this.allStale || this.staleNamespaces.size > 0;
    if (stale && performance.now() >= this.notBefore) this.refresh();
    return this.refreshes;
  }

  private refresh(): void {
    this.refreshes++;
    const started = performance.now();
    const snapshot = meshSourceOf(this.source.objects());
    const present = new Set<string>();
    for (const rollout of this.source.rollouts()) {
      const key = keyOf(rollout);
      present.add(key);
      const namespaceStale = this.staleNamespaces.has(rollout.metadata.namespace ?? '');
      if (!this.allStale && !namespaceStale && this.analyses.has(key)) continue;
      this.analyses.set(key, this.analyse(snapshot, rollout));
    }
    for (const key of this.analyses.keys()) if (!present.has(key)) this.analyses.delete(key);
    this.allStale = false;
    this.staleNamespaces.clear();
    const took = performance.now() - started;
    this.notBefore = took < ALWAYS_FRESH_MS ? 0 : performance.now() + SPACING_FACTOR * took;
  }

  private analyse(snapshot: MeshSource, rollout: Rollout): PathAnalysis {
    try {
      return controllerPathAnalysisIn(snapshot, rollout);
    } catch (err) {
      this.source.onError?.(err instanceof Error ? err : new Error(String(err)));
      return EMPTY;
    }
  }
}
