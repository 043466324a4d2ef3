/**
 * The AnalysisRuns of a Rollout, as Argo's plugin lists them under each revision (pkg/kubectl-argo-rollouts/info):
 * the runs the Rollout owns, their revision from `rollout.argoproj.io/revision`, newest revision first, then oldest
 * run first; phase with Argo's icon, message, and the measurements of every metric summed into ✔ successful,
 * ✖ failed, ? inconclusive and ⚠ error counts. Each metric comes with its measurements (metric-view.ts). Pure.
 */
import {
  ROLLOUT_TYPE_LABEL,
  STEP_INDEX_LABEL,
  type AnalysisPhase,
  type AnalysisRun,
  type MetricResult,
} from '../api/analysis.js';
import { REVISION_ANNOTATION } from '../api/labels.js';
import { ownedBy } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { parseTime } from '../util/time.js';
import { buildMetricView, displayArgValues, type MeasurementCounts, type MetricView } from './metric-view.js';

export type AnalysisRunKind = 'Step' | 'Background' | 'Other';

export interface AnalysisRunView {
  name: string;
  /** The Rollout revision the run measured; null when the run carries none. */
  revision: number | null;
  kind: AnalysisRunKind;
  /** The step that started it (step runs). */
  stepIndex: number | null;
  phase: AnalysisPhase;
  /** Argo's icon for the phase. */
  icon: string;
  message: string;
  /** Termination was requested (`spec.terminate`). */
  terminating: boolean;
  /** Epoch ms. */
  startedAt: number | null;
  completedAt: number | null;
  /** Summed over the metrics, as the plugin's INFO column. */
  counts: MeasurementCounts;
  /** `✔ 3,✖ 1`: the plugin's INFO column ('' before the first measurement). */
  countsText: string;
  metrics: MetricView[];
}

/** Argo's analysisIcon. */
export const ANALYSIS_PHASE_ICON: Record<AnalysisPhase, string> = {
  Successful: '✔',
  Failed: '✖',
  Inconclusive: '?',
  Error: '⚠',
  Running: '◌',
  Pending: '◷',
};

const COUNT_ICONS: readonly [keyof MeasurementCounts, string][] = [
  ['successful', '✔'],
  ['failed', '✖'],
  ['inconclusive', '?'],
  ['error', '⚠'],
];

/** `✔ 3,✖ 1`: only the non-zero counts, in the plugin's order. */
export function countsText(counts: MeasurementCounts): string {
  return COUNT_ICONS.filter(([key]) => counts[key] > 0)
    .map(([key, icon]) => `${icon} ${counts[key]}`)
    .join(',');
}

/** Summed over the run's metric results, as the plugin's analysisrun_info (a result whose metric left the spec counts). */
function sumCounts(results: readonly MetricResult[]): MeasurementCounts {
  const total: MeasurementCounts = { successful: 0, failed: 0, inconclusive: 0, error: 0 };
  for (const result of results) {
    for (const [key] of COUNT_ICONS) total[key] += result[key] ?? 0;
  }
  return total;
}

function kindOf(run: AnalysisRun): AnalysisRunKind {
  const type = run.metadata.labels?.[ROLLOUT_TYPE_LABEL];
  return type === 'Step' || type === 'Background' ? type : 'Other';
}

function wholeNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number.parseInt(text, 10) : null;
}

export function buildAnalysisRunView(run: AnalysisRun): AnalysisRunView {
  const args = displayArgValues(run.spec.args);
  const results = run.status?.metricResults ?? [];
  const metrics = (run.spec.metrics ?? []).map((metric) =>
    buildMetricView(
      metric,
      results.find((r) => r.name === metric.name),
      args,
    ),
  );
  const counts = sumCounts(results);
  const phase = run.status?.phase ?? 'Pending';
  return {
    name: run.metadata.name,
    revision: wholeNumber(run.metadata.annotations?.[REVISION_ANNOTATION]),
    kind: kindOf(run),
    stepIndex: wholeNumber(run.metadata.labels?.[STEP_INDEX_LABEL]),
    phase,
    icon: ANALYSIS_PHASE_ICON[phase] ?? ' ',
    message: run.status?.message ?? '',
    terminating: run.spec.terminate === true,
    startedAt: parseTime(run.status?.startedAt) ?? null,
    completedAt: parseTime(run.status?.completedAt) ?? null,
    counts,
    countsText: countsText(counts),
    metrics,
  };
}

/** The runs `rollout` owns, newest revision first, then by creation (oldest first), then name (Argo's order). */
export function analysisRunsOf(rollout: Rollout, runs: readonly AnalysisRun[]): AnalysisRunView[] {
  const created = (run: AnalysisRun) => parseTime(run.metadata.creationTimestamp) ?? 0;
  const owned = runs.filter((run) => ownedBy(run, rollout));
  const views = owned.map((run) => ({ view: buildAnalysisRunView(run), created: created(run) }));
  views.sort(
    (a, b) =>
      (b.view.revision ?? -1) - (a.view.revision ?? -1) ||
      a.created - b.created ||
      b.view.name.localeCompare(a.view.name),
  );
  return views.map((v) => v.view);
}
