/**
 * A Rollout's AnalysisRuns as `kubectl argo rollouts get rollout` lists them under each revision
 * (pkg/kubectl-argo-rollouts/info/analysisrun_info.go): the runs the Rollout owns, the measurement counts summed over
 * their metrics, the run's phase and its revision (the `rollout.argoproj.io/revision` annotation, 0 without one);
 * newest revision first, then oldest run first, then name. Pure.
 */
import type { AnalysisRun } from '../api/analysis.js';
import { REVISION_ANNOTATION } from '../api/labels.js';
import { ownedBy } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';

export interface AnalysisRunView {
  name: string;
  /** The Rollout revision the run belongs to; 0 when the run carries none (Argo's parseRevision). */
  revision: number;
  /** `Pending` until the controller has written a phase. */
  phase: string;
  message: string;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  /** When the run was created (RFC 3339), '' when unknown. */
  created: string;
}

function revisionOf(run: AnalysisRun): number {
  const revision = Number.parseInt(run.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isNaN(revision) ? 0 : revision;
}

function runView(run: AnalysisRun): AnalysisRunView {
  const results = run.status?.metricResults ?? [];
  const sum = (key: 'successful' | 'failed' | 'inconclusive' | 'error') =>
    results.reduce((total, result) => total + (result[key] ?? 0), 0);
  return {
    name: run.metadata.name,
    revision: revisionOf(run),
    phase: run.status?.phase || 'Pending',
    message: run.status?.message ?? '',
    successful: sum('successful'),
    failed: sum('failed'),
    inconclusive: sum('inconclusive'),
    error: sum('error'),
    created: run.metadata.creationTimestamp ?? '',
  };
}

/** Argo's order: revision descending, then creation ascending, then name descending. */
function compareRuns(a: AnalysisRunView, b: AnalysisRunView): number {
  if (a.revision !== b.revision) return b.revision - a.revision;
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  return b.name.localeCompare(a.name);
}

export function analysisRunViews(rollout: Rollout, runs: readonly AnalysisRun[]): AnalysisRunView[] {
  return runs
    .filter((run) => ownedBy(run, rollout))
    .map(runView)
    .sort(compareRuns);
}
