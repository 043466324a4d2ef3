/** All Rollouts of every namespace, with phase, step, weights and the worst finding. */
import type { ReactNode } from 'react';
import { useEventStream, type RolloutSummary } from './api.js';
import { PhaseBadge, SeverityBadge } from './common.js';
import { h } from './h.js';

function row(r: RolloutSummary): ReactNode {
  const href = `#/rollouts/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`;
  const step = r.currentStep === null ? '–' : `${Math.min(r.currentStep, r.totalSteps)}/${r.totalSteps}`;
  return h(
    'tr',
    { key: `${r.namespace}/${r.name}`, 'data-rollout': `${r.namespace}/${r.name}` },
    h('td', null, h('a', { href, className: 'rollout-link' }, r.name)),
    h('td', { className: 'muted' }, r.namespace),
    h('td', null, h(PhaseBadge, { phase: r.phase })),
    h('td', { className: 'num' }, step),
    h('td', { className: 'num' }, `${r.weights.canary}% / ${r.weights.desired}%`),
    h('td', { className: 'mono small' }, r.images.join(', ')),
    h(
      'td',
      null,
      r.worst ? h(SeverityBadge, { severity: r.worst }) : h('span', { className: 'muted' }, 'none'),
      r.findings > 1 ? h('span', { className: 'muted small' }, ` ×${r.findings}`) : null,
    ),
  );
}

export function RolloutsPage(): ReactNode {
  const { data, state } = useEventStream<{ items: RolloutSummary[] }>('', 'rollouts');
  const items = data?.items ?? [];
  return h(
    'main',
    { className: 'page' },
    h(
      'div',
      { className: 'page-head' },
      h('h1', null, 'Rollouts'),
      h('span', { className: `stream ${state}` }, state),
    ),
    items.length === 0
      ? h(
          'p',
          { className: 'empty' },
          state === 'live' ? 'No Rollouts in the namespaces this dashboard can see.' : 'Loading…',
        )
      : h(
          'table',
          { className: 'table rollouts' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['Name', 'Namespace', 'Status', 'Step', 'Weight (actual / set)', 'Images', 'Findings'].map(
                (t) => h('th', { key: t }, t),
              ),
            ),
          ),
          h('tbody', null, ...items.map(row)),
        ),
  );
}
