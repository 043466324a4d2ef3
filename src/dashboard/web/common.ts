/** Small shared pieces: phase badges, cards. */
import type { ReactNode } from 'react';
import { cx, h } from './h.js';

const PHASE_ICON: Record<string, string> = { Healthy: '✔', Progressing: '◌', Paused: '‖', Degraded: '✖' };

export function PhaseBadge({ phase }: { phase: string }): ReactNode {
  return h(
    'span',
    { className: cx('badge', `phase-${phase.toLowerCase()}`), 'data-phase': phase },
    `${PHASE_ICON[phase] ?? '?'} ${phase}`,
  );
}

export function SeverityBadge({ severity }: { severity: string }): ReactNode {
  return h('span', { className: cx('badge', `sev-${severity}`) }, severity);
}

export function Card({
  title,
  extra,
  children,
  className,
}: {
  title: string;
  extra?: ReactNode;
  children?: ReactNode;
  className?: string;
}): ReactNode {
  return h(
    'section',
    { className: cx('card', className) },
    h('header', { className: 'card-head' }, h('h2', null, title), extra ?? null),
    h('div', { className: 'card-body' }, children),
  );
}

/** `current/total` with the current step 0-based, exactly as `truesplit get rollout` prints "Step: 1/4". */
export function stepProgress(currentStep: number | null, totalSteps: number): string {
  return currentStep === null ? '–' : `${currentStep}/${totalSteps}`;
}
