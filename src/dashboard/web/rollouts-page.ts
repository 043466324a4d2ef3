/** All Rollouts of every namespace: a summary (Rollouts by phase, findings by severity), then one row each. */
import type { ReactNode } from 'react';
import { useEventStream, type RolloutSummary } from './api.js';
import { PhaseBadge, SeverityBadge, stepProgress } from './common.js';
import { h } from './h.js';

const SEVERITIES = ['error', 'warning', 'info'] as const;
type Severity = (typeof SEVERITIES)[number];

/** "1 error", "2 warnings": one badge per severity present, with its own count. */
function severityCounts(counts: Record<Severity, number>): ReactNode[] {
  return SEVERITIES.filter((s) => counts[s] > 0).map((s) =>
    h(
      'span',
      { key: s, className: 'sev-count', 'data-severity': s, 'data-count': counts[s] },
      h(SeverityBadge, { severity: s }),
      h('span', { className: 'small' }, ` ×${counts[s]}`),
    ),
  );
}

function row(r: RolloutSummary): ReactNode {
  const href = `#/rollouts/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`;
  const counts = severityCounts(r.bySeverity);
  return h(
    'tr',
    { key: `${r.namespace}/${r.name}`, 'data-rollout': `${r.namespace}/${r.name}` },
    h('td', null, h('a', { href, className: 'rollout-link' }, r.name)),
    h('td', { className: 'muted' }, r.namespace),
    h('td', null, h(PhaseBadge, { phase: r.phase })),
    h('td', { className: 'num', 'data-step': '' }, stepProgress(r.currentStep, r.totalSteps)),
    h('td', { className: 'num' }, `${r.weights.canary}% / ${r.weights.desired}%`),
    h('td', { className: 'mono small' }, r.images.join(', ')),
    h(
      'td',
      { className: 'findings-cell' },
      ...(counts.length > 0 ? counts : [h('span', { key: 'none', className: 'muted' }, 'none')]),
    ),
  );
}

function countBy<K extends string>(keys: K[]): [K, number][] {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

function Overview({ items }: { items: RolloutSummary[] }): ReactNode {
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const r of items) for (const s of SEVERITIES) findings[s] += r.bySeverity[s];
  const withFindings = items.filter((r) => r.findings > 0).length;
  return h(
    'section',
    { className: 'overview', 'data-overview': '' },
    h(
      'div',
      { className: 'overview-item' },
      h('span', { className: 'overview-num', 'data-total': items.length }, String(items.length)),
      h('span', { className: 'muted' }, items.length === 1 ? 'Rollout' : 'Rollouts'),
    ),
    h(
      'div',
      { className: 'overview-item' },
      ...countBy(items.map((r) => r.phase)).map(([phase, n]) =>
        h(
          'span',
          { key: phase, className: 'phase-count', 'data-phase-count': phase, 'data-count': n },
          h(PhaseBadge, { phase }),
          h('span', { className: 'small' }, ` ×${n}`),
        ),
      ),
    ),
    h(
      'div',
      { className: 'overview-item', 'data-findings-total': '' },
      h('span', { className: 'muted' }, 'Findings'),
      ...(withFindings > 0 ? severityCounts(findings) : [h('span', { key: 'none' }, 'none')]),
      withFindings > 0
        ? h('span', { className: 'muted small' }, `in ${withFindings} of ${items.length}`)
        : null,
    ),
  );
}

const COLUMNS = ['Name', 'Namespace', 'Status', 'Step', 'Weight (actual / set)', 'Images', 'Findings'];

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
      : [
          h(Overview, { key: 'overview', items }),
          h(
            'table',
            { key: 'table', className: 'table rollouts' },
            h('thead', null, h('tr', null, ...COLUMNS.map((t) => h('th', { key: t }, t)))),
            h('tbody', null, ...items.map(row)),
          ),
        ],
  );
}
