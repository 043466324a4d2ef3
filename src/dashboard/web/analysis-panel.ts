/**
 * The Rollout's AnalysisRuns grouped under their revision, as Argo's dashboard shows them: each run's phase, message
 * and ✔/✖/?/⚠ counts, and for each metric its conditions, limits and measurements charted over time. In the sandbox
 * demo the card also holds the canary switch that decides what the analysis measures.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { AnalysisRunView } from '../../view/analysis-run-view.js';
import type { MetricView } from '../../view/metric-view.js';
import { CANARY_PATH, getCanary, post, type CanaryHealth, type CanaryState } from './api.js';
import { Card } from './common.js';
import { cx, h } from './h.js';
import { formatValue, MeasurementChart } from './measurement-chart.js';

export function AnalysisPhaseBadge({ phase, icon }: { phase: string; icon: string }): ReactNode {
  return h(
    'span',
    { className: cx('badge', `analysis-${phase.toLowerCase()}`), 'data-run-phase': phase },
    `${icon} ${phase}`,
  );
}

function runTitle(run: AnalysisRunView): string {
  if (run.kind === 'Step') return run.stepIndex === null ? 'step analysis' : `step ${run.stepIndex} analysis`;
  return run.kind === 'Background' ? 'background analysis' : 'analysis';
}

function Condition({ label, expression }: { label: string; expression: string }): ReactNode {
  return h(
    'div',
    { className: 'condition', 'data-condition': label },
    h('span', { className: 'muted' }, `${label}Condition `),
    h('code', null, expression),
  );
}

function latestValue(metric: MetricView): string {
  const last = metric.measurements.at(-1);
  if (!last) return 'no measurement yet';
  const value = last.numeric !== null ? formatValue(last.numeric) : last.value || '(no value)';
  return `last: ${value} (${last.phase})`;
}

function MetricBlock({ metric }: { metric: MetricView }): ReactNode {
  const cadence = [
    metric.interval ? `every ${metric.interval}` : '',
    metric.count !== null ? `${metric.count}×` : 'until terminated',
  ]
    .filter(Boolean)
    .join(', ');
  return h(
    'div',
    { className: 'metric', 'data-metric-name': metric.name, 'data-metric-phase': metric.phase },
    h(
      'div',
      { className: 'metric-head' },
      h('strong', { className: 'mono' }, metric.name),
      h(AnalysisPhaseBadge, { phase: metric.phase, icon: '' }),
      metric.dryRun ? h('span', { className: 'badge' }, 'dry run') : null,
      h('span', { className: 'muted small' }, `${metric.provider} · ${cadence} · ${latestValue(metric)}`),
    ),
    metric.message ? h('div', { className: 'small metric-message' }, metric.message) : null,
    metric.successCondition
      ? h(Condition, { label: 'success', expression: metric.successCondition.expression })
      : null,
    metric.failureCondition
      ? h(Condition, { label: 'failure', expression: metric.failureCondition.expression })
      : null,
    h(
      'ul',
      { className: 'limits small' },
      ...metric.limits.map((l) =>
        h(
          'li',
          { key: l.kind, className: cx(l.breached && 'breached'), 'data-limit': l.kind },
          `${l.text}: ${l.observed} so far`,
        ),
      ),
    ),
    h(MeasurementChart, { metric }),
  );
}

function RunBlock({ run, open }: { run: AnalysisRunView; open: boolean }): ReactNode {
  return h(
    'details',
    {
      className: 'analysis-run',
      open,
      'data-run': run.name,
      'data-run-phase': run.phase,
      id: `run-${run.name}`,
    },
    h(
      'summary',
      null,
      h(AnalysisPhaseBadge, { phase: run.phase, icon: run.icon }),
      h('span', { className: 'mono' }, run.name),
      h('span', { className: 'muted small' }, runTitle(run)),
      run.countsText ? h('span', { className: 'counts mono', 'data-counts': '' }, run.countsText) : null,
      run.terminating && run.phase === 'Running'
        ? h('span', { className: 'muted small' }, 'terminating')
        : null,
    ),
    run.message ? h('p', { className: 'run-message small', 'data-run-message': '' }, run.message) : null,
    ...run.metrics.map((metric) => h(MetricBlock, { key: metric.name, metric })),
  );
}

/** Healthy / failing buttons; the state comes from the server and every switch is an authenticated POST. */
function CanarySwitch({ initial }: { initial: CanaryState }): ReactNode {
  const [state, setState] = useState<CanaryState>(initial);
  const [error, setError] = useState('');
  useEffect(() => {
    getCanary().then(setState, (err: Error) => setError(err.message));
  }, []);
  const flip = (health: CanaryHealth) => {
    post(CANARY_PATH, { health }).then(
      (next) => {
        setState(next as CanaryState);
        setError('');
      },
      (err: Error) => setError(err.message),
    );
  };
  const button = (health: CanaryHealth, label: string) =>
    h(
      'button',
      {
        className: cx(
          'btn',
          state.health === health && (health === 'healthy' ? 'selected-ok' : 'selected-bad'),
        ),
        'data-canary': health,
        'aria-pressed': state.health === health,
        onClick: () => flip(health),
      },
      label,
    );
  return h(
    'div',
    { className: 'canary-switch', 'data-canary-health': state.health },
    h('span', { className: 'muted small' }, 'Demo canary:'),
    button('healthy', '✔ Healthy'),
    button('failing', '✖ Failing'),
    error ? h('span', { className: 'small error-text' }, error) : null,
  );
}

function byRevision(runs: AnalysisRunView[]): [string, AnalysisRunView[]][] {
  const groups = new Map<string, AnalysisRunView[]>();
  for (const run of runs) {
    const key = run.revision === null ? '?' : String(run.revision);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.entries()];
}

export function AnalysisPanel({
  runs,
  canary,
}: {
  runs: AnalysisRunView[];
  canary: CanaryState | undefined;
}): ReactNode {
  // Runs come newest revision first, oldest run first within it: the one to open is in progress, or the latest.
  const latest = runs.filter((r) => r.revision === runs[0]?.revision).at(-1);
  const newest = runs.find((r) => r.phase === 'Running' || r.phase === 'Pending') ?? latest;
  return h(
    Card,
    {
      title: 'Analysis',
      className: 'analysis-card',
      extra: canary ? h(CanarySwitch, { initial: canary }) : null,
    },
    runs.length === 0
      ? h('p', { className: 'muted' }, 'No AnalysisRuns yet: an analysis step starts one when it is reached.')
      : byRevision(runs).map(([revision, group]) =>
          h(
            'div',
            { key: revision, className: 'analysis-revision', 'data-revision': revision },
            h('h3', null, `Revision ${revision}`),
            ...group.map((run) => h(RunBlock, { key: run.name, run, open: run === newest })),
          ),
        ),
  );
}
