/** Steps and revisions (ReplicaSets with their pods), as `kubectl argo rollouts get rollout` shows them. */
import type { ReactNode } from 'react';
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

function RevisionItem({ rev }: { rev: RevisionView }): ReactNode {
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
  );
}

export function RevisionsPanel({ revisions }: { revisions: RevisionView[] }): ReactNode {
  const shown = revisions.filter((r) => r.replicas > 0 || r.role !== 'old');
  return h(
    Card,
    { title: 'Revisions', className: 'revisions-card' },
    shown.length === 0
      ? h('p', { className: 'muted' }, 'No ReplicaSets yet.')
      : shown.map((r) => h(RevisionItem, { key: r.name, rev: r })),
  );
}
