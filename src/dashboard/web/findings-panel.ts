/** Findings with their fix; in the sandbox, buttons that apply it. */
import { useState, type ReactNode } from 'react';
import type { FindingView } from '../../view/rollout-view.js';
import { post } from './api.js';
import { Card, SeverityBadge } from './common.js';
import { h } from './h.js';

interface FixButtonsProps {
  finding: FindingView;
  rollout: string;
  options: { id: string; label: string }[];
}

function FixButtons({ finding, rollout, options }: FixButtonsProps): ReactNode {
  const [state, setState] = useState<{ busy: boolean; message?: string; error?: boolean }>({ busy: false });
  const apply = (option: string) => {
    setState({ busy: true });
    post('api/v1/sandbox/fix', { code: finding.code, rollout, option })
      .then((r) => setState({ busy: false, message: (r as { changes: string[] }).changes.join('; ') }))
      .catch((err: Error) => setState({ busy: false, message: err.message, error: true }));
  };
  return h(
    'div',
    { className: 'fix-actions' },
    ...options.map((o, i) =>
      h(
        'button',
        {
          key: o.id,
          className: i === 0 ? 'btn primary' : 'btn',
          disabled: state.busy,
          onClick: () => apply(o.id),
          'data-fix': `${finding.code}:${o.id}`,
        },
        `Apply fix: ${o.label}`,
      ),
    ),
    state.message
      ? h('span', { className: state.error ? 'fix-result error' : 'fix-result' }, state.message)
      : null,
  );
}

function FindingItem({ finding, rollout, options }: FixButtonsProps): ReactNode {
  return h(
    'article',
    { className: `finding sev-${finding.severity}`, 'data-finding': finding.code },
    h(
      'div',
      { className: 'finding-head' },
      h(SeverityBadge, { severity: finding.severity }),
      h('code', { className: 'code-chip' }, finding.code),
      h('span', { className: 'muted small' }, finding.paths.join(' · ')),
    ),
    h('p', { className: 'finding-message' }, finding.message),
    finding.objects.length > 0 ? h('p', { className: 'muted small mono' }, finding.objects.join('  ')) : null,
    finding.fix
      ? h(
          'details',
          { open: finding.severity === 'error' },
          h('summary', null, 'Fix'),
          h('pre', { className: 'yaml' }, h('code', null, finding.fix)),
        )
      : null,
    options.length > 0 ? h(FixButtons, { finding, rollout, options }) : null,
  );
}

export function FindingsPanel({
  findings,
  rollout,
  fixOptions,
}: {
  findings: FindingView[];
  rollout: string;
  fixOptions: Record<string, { id: string; label: string }[]>;
}): ReactNode {
  return h(
    Card,
    { title: `Findings (${findings.length})`, className: 'findings-card' },
    findings.length === 0
      ? h('p', { className: 'muted' }, 'Every caller path gets the split the Rollout asks for.')
      : findings.map((f) =>
          h(FindingItem, { key: f.code, finding: f, rollout, options: fixOptions[f.code] ?? [] }),
        ),
  );
}
