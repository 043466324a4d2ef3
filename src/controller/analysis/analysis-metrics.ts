/**
 * AnalysisRun metrics with Argo Rollouts' names and labels (controller/metrics/analysis.go, prommetrics.go), so
 * existing dashboards keep working: `analysis_run_info`, `analysis_run_phase` (deprecated in Argo, kept),
 * `analysis_run_metric_type`, `analysis_run_metric_phase`, read from the AnalysisRun cache at scrape time, and
 * `analysis_run_reconcile` / `analysis_run_reconcile_error` per reconcile.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AnalysisPhase, AnalysisRun } from '../../api/analysis.js';
import { dryRunMetricNames } from '../../analysis/run-spec.js';
import { providerTypeLabel } from './provider-registry.js';

export interface AnalysisMetrics {
  observeReconcile(run: { namespace: string; name: string }, seconds: number, failed: boolean): void;
}

const PHASES: readonly AnalysisPhase[] = [
  'Pending',
  'Error',
  'Failed',
  'Successful',
  'Running',
  'Inconclusive',
];

/** Pending counts a run or metric with no phase yet, as Argo does. */
const inPhase = (current: AnalysisPhase | undefined, phase: AnalysisPhase) =>
  current === phase || (phase === 'Pending' && current === undefined) ? 1 : 0;

function runLabels(run: AnalysisRun): { namespace: string; name: string } {
  return { namespace: run.metadata.namespace ?? '', name: run.metadata.name };
}

function registerRunGauges(registry: Registry, runs: () => readonly AnalysisRun[]): void {
  const base = ['namespace', 'name'] as const;
  new Gauge({
    name: 'analysis_run_info',
    help: 'Information about analysis run.',
    labelNames: [...base, 'phase'],
    registers: [registry],
    collect() {
      this.reset();
      for (const run of runs()) this.set({ ...runLabels(run), phase: run.status?.phase ?? '' }, 1);
    },
  });
  new Gauge({
    name: 'analysis_run_phase',
    help: 'Information on the state of the Analysis Run (DEPRECATED - use analysis_run_info)',
    labelNames: [...base, 'phase'],
    registers: [registry],
    collect() {
      this.reset();
      for (const run of runs())
        for (const phase of PHASES) this.set({ ...runLabels(run), phase }, inPhase(run.status?.phase, phase));
    },
  });
}

function registerMetricGauges(registry: Registry, runs: () => readonly AnalysisRun[]): void {
  new Gauge({
    name: 'analysis_run_metric_type',
    help: 'Information on the type of a specific metric in the Analysis Runs',
    labelNames: ['namespace', 'name', 'metric', 'type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const run of runs())
        for (const m of run.spec.metrics ?? [])
          this.set({ ...runLabels(run), metric: m.name, type: providerTypeLabel(m) }, 1);
    },
  });
  new Gauge({
    name: 'analysis_run_metric_phase',
    help: 'Information on the duration of a specific metric in the Analysis Run',
    labelNames: ['namespace', 'name', 'metric', 'type', 'dry_run', 'phase'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const run of runs()) {
        const dry = dryRunMetricNames(run.spec.dryRun, run.spec.metrics ?? []);
        for (const m of run.spec.metrics ?? []) {
          const current = run.status?.metricResults?.find((r) => r.name === m.name)?.phase;
          const labels = {
            ...runLabels(run),
            metric: m.name,
            type: providerTypeLabel(m),
            dry_run: String(dry.ok && dry.names.has(m.name)),
          };
          for (const phase of PHASES) this.set({ ...labels, phase }, inPhase(current, phase));
        }
      }
    },
  });
}

export function registerAnalysisMetrics(
  registry: Registry,
  runs: () => readonly AnalysisRun[],
): AnalysisMetrics {
  registerRunGauges(registry, runs);
  registerMetricGauges(registry, runs);
  const reconcile = new Histogram({
    name: 'analysis_run_reconcile',
    help: 'Analysis Run reconciliation performance.',
    labelNames: ['namespace', 'name'] as const,
    buckets: [0.01, 0.15, 0.25, 0.5, 1],
    registers: [registry],
  });
  const reconcileError = new Counter({
    name: 'analysis_run_reconcile_error',
    help: 'Error occurring during the analysis run',
    labelNames: ['namespace', 'name'] as const,
    registers: [registry],
  });
  return {
    observeReconcile(run, seconds, failed) {
      reconcile.observe(run, seconds);
      if (failed) reconcileError.inc(run);
    },
  };
}
