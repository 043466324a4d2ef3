/** Steps and revisions (ReplicaSets with their pods), as `kubectl argo rollouts get rollout` shows them. */
import type { ReactNode } from 'react';
import type { AnalysisRunView } from '../../view/analysis-run-view.js';
import type { RevisionView, StepView } from '../../view/rollout-view.js';
import { Card } from './common.js';
import { cx, h } from './h.js';

export function StepsPanel({ steps }: { steps: StepView[] }): ReactNode {
  return h(
    Card,
    { title: 'Steps', className: 'steps-card' },
    steps.length === 0
      ? h('p', { className: 'muted' }, 'No steps: a rolling update.')
      : h(
          'ol',
          { className: 'steps' },
          ...steps.map((s) =>
            h(
              'li',
              { key: s.index, className: cx('step', s.state), 'data-step': s.index, 'data-state': s.state },
              // 0-based like the header's "Step 1/4" and `truesplit get rollout`.
              h('span', { className: 'step-dot' }, s.state === 'done' ? '✔' : String(s.index)),
              h('span', { className: 'step-label mono' }, s.label),
            ),
          ),
        ),
  );
}

/** A run as a line of Argo's tree: icon, name, counts; a click opens it in the Analysis card. */
function RunLine({ run }: { run: AnalysisRunView }): ReactNode {
  const open = () => {
    const target = document.getElementById(`run-${run.name}`);
    if (target instanceof HTMLDetailsElement) target.open = true;
    target?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  return h(
    'li',
    {
      key: run.name,
      className: cx('run-line', `analysis-${run.phase.toLowerCase()}`),
      'data-run-line': run.name,
    },
    h('span', { className: 'run-icon' }, run.icon),
    h('button', { type: 'button', className: 'link mono small', onClick: open }, run.name),
    h('span', { className: 'muted small' }, run.phase),
    run.countsText ? h('span', { className: 'mono small' }, run.countsText) : null,
  );
}

function RevisionItem({ rev, runs }: { rev: RevisionView; runs: AnalysisRunView[] }): ReactNode {
  return h(
    'div',
    { className: cx('revision', `role-${rev.role}`) },
    h(
      'div',
      { className: 'revision-head' },
      h('strong', null, `Revision ${rev.revision ?? '?'}`),
      rev.role !== 'old' ? h('span', { className: cx('badge', `role-${rev.role}`) }, rev.role) : null,
      h('span', { className: 'muted mono small' }, rev.name),
    ),
    h('div', { className: 'mono small' }, rev.images.join(', ')),
    h(
      'div',
      { className: 'pods' },
      h('span', { className: 'muted small' }, `${rev.ready}/${rev.replicas} ready`),
      ...rev.pods.map((p) =>
        h('span', {
          key: p.name,
          className: cx('pod', p.ready ? 'ready' : 'not-ready'),
          title: `${p.name} (${p.ready ? 'Ready' : p.phase})`,
        }),
      ),
    ),
    runs.length > 0
      ? h('ul', { className: 'run-lines' }, ...runs.map((run) => h(RunLine, { key: run.name, run })))
      : null,
  );
}

export function RevisionsPanel({
  revisions,
  runs,
}: {
  revisions: RevisionView[];
  runs: AnalysisRunView[];
}): ReactNode {
  const shown = revisions.filter(
    (r) => r.replicas > 0 || r.role !== 'old' || runs.some((run) => run.revision === r.revision),
  );
  return h(
    Card,
    { title: 'Revisions', className: 'revisions-card' },
    shown.length === 0
      ? h('p', { className: 'muted' }, 'No ReplicaSets yet.')
      : shown.map((r) =>
          h(RevisionItem, { key: r.name, rev: r, runs: runs.filter((run) => run.revision === r.revision) }),
        ),
  );
}
