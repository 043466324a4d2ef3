/** One Rollout: summary and actions, traffic paths with the live chart, findings, steps and revisions. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { RolloutView } from '../../view/rollout-view.js';
import { post, rolloutPath, useEventStream, type DashboardInfo } from './api.js';
import { PhaseBadge, stepProgress } from './common.js';
import { AnalysisPanel } from './analysis-panel.js';
import { FindingsPanel } from './findings-panel.js';
import { h } from './h.js';
import { CHART_SPAN_MS, colorFor, PathsPanel, pathLabel } from './paths-panel.js';
import { RevisionsPanel, StepsPanel } from './revisions-panel.js';
import type { SharePoint, ShareSeries } from './share-chart.js';

type History = Map<string, SharePoint[]>;

function record(history: History, view: RolloutView, at: number): void {
  for (const path of view.paths) {
    const points = history.get(path.id) ?? [];
    points.push({ t: at, observed: path.observed?.share, predicted: path.predicted, desired: path.desired });
    while (points.length > 0 && points[0]!.t < at - CHART_SPAN_MS - 5000) points.shift();
    history.set(path.id, points);
  }
}

const VERBS = [
  { verb: 'promote', label: 'Promote', primary: true },
  { verb: 'promote-full', label: 'Promote full' },
  { verb: 'pause', label: 'Pause' },
  { verb: 'resume', label: 'Resume' },
  { verb: 'abort', label: 'Abort', danger: true },
  { verb: 'retry', label: 'Retry' },
];

function Actions({ view }: { view: RolloutView }): ReactNode {
  const [message, setMessage] = useState<string>('');
  const run = (verb: string, body: unknown = {}) => {
    setMessage(`${verb}…`);
    post(`${rolloutPath(view.namespace, view.name)}/${verb}`, body)
      .then(() => setMessage(`${verb}: requested`))
      .catch((err: Error) => setMessage(`${verb} failed: ${err.message}`));
  };
  const [image, setImage] = useState('');
  const [container, setContainer] = useState(view.containers[0]?.name ?? '');
  return h(
    'div',
    { className: 'actions' },
    h(
      'div',
      { className: 'buttons' },
      ...VERBS.map((v) =>
        h(
          'button',
          {
            key: v.verb,
            className: v.primary ? 'btn primary' : v.danger ? 'btn danger' : 'btn',
            onClick: () => run(v.verb),
            'data-action': v.verb,
          },
          v.label,
        ),
      ),
    ),
    h(
      'form',
      {
        className: 'set-image',
        onSubmit: (e: Event) => {
          e.preventDefault();
          if (image && container) run('set-image', { container, image });
        },
      },
      view.containers.length > 1
        ? h(
            'select',
            {
              value: container,
              onChange: (e: { target: HTMLSelectElement }) => setContainer(e.target.value),
              'aria-label': 'container',
            },
            ...view.containers.map((c) => h('option', { key: c.name, value: c.name }, c.name)),
          )
        : null,
      h('input', {
        value: image,
        placeholder: 'new image, e.g. argoproj/rollouts-demo:green',
        onChange: (e: { target: HTMLInputElement }) => setImage(e.target.value),
        'aria-label': 'image',
      }),
      h('button', { className: 'btn', type: 'submit', 'data-action': 'set-image' }, 'Set image'),
    ),
    message ? h('div', { className: 'action-message muted small' }, message) : null,
  );
}

function Summary({ view }: { view: RolloutView }): ReactNode {
  const step = stepProgress(view.currentStep, view.steps.length);
  const facts: [string, string][] = [
    ['Strategy', view.strategy],
    ['Step', step],
    ['Set weight', `${view.weights.desired}%`],
    ['Actual weight', `${view.weights.canary}%`],
  ];
  return h(
    'dl',
    { className: 'facts' },
    ...facts.flatMap(([k, v]) => [
      h('dt', { key: `${k}-k` }, k),
      h('dd', { key: `${k}-v`, 'data-fact': k }, v),
    ]),
  );
}

export function RolloutPage({
  namespace,
  name,
  info,
}: {
  namespace: string;
  name: string;
  info: DashboardInfo | undefined;
}): ReactNode {
  const query = `?namespace=${encodeURIComponent(namespace)}&name=${encodeURIComponent(name)}`;
  const { data: view, state, at } = useEventStream<RolloutView>(query, 'rollout');
  const history = useRef<History>(new Map());
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (view) record(history.current, view, at);
  }, [view, at]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  if (!view)
    return h(
      'main',
      { className: 'page' },
      h('p', { className: 'empty' }, state === 'offline' ? 'Disconnected.' : 'Loading…'),
    );
  const canary = info?.canary?.rollout === `${view.namespace}/${view.name}` ? info.canary : undefined;
  const measured =
    canary !== undefined ||
    view.analysisRuns.length > 0 ||
    view.steps.some((s) => s.label.startsWith('analysis'));
  const series: ShareSeries[] = view.paths.map((p) => ({
    id: p.id,
    label: pathLabel(p),
    color: colorFor(view.paths, p.id),
    points: history.current.get(p.id) ?? [],
  }));
  return h(
    'main',
    { className: 'page' },
    h(
      'div',
      { className: 'page-head' },
      h(
        'div',
        null,
        h('a', { href: '#/', className: 'crumb' }, 'Rollouts'),
        h('span', { className: 'crumb-sep' }, '/'),
        h('span', { className: 'muted' }, view.namespace),
        h('h1', null, view.name, ' ', h(PhaseBadge, { phase: view.phase })),
        view.message ? h('p', { className: 'muted' }, view.message) : null,
      ),
      h('span', { className: `stream ${state}` }, state),
    ),
    h('div', { className: 'top-row' }, h(Summary, { view }), h(Actions, { view })),
    h(PathsPanel, { paths: view.paths, series, now }),
    measured ? h(AnalysisPanel, { runs: view.analysisRuns, canary }) : null,
    h(
      'div',
      { className: 'grid-2' },
      h(FindingsPanel, {
        findings: view.findings,
        rollout: `${view.namespace}/${view.name}`,
        fixOptions: info?.mode === 'sandbox' ? info.fixOptions : {},
      }),
      h(
        'div',
        { className: 'stack' },
        h(StepsPanel, { steps: view.steps }),
        h(RevisionsPanel, { revisions: view.revisions, runs: view.analysisRuns }),
      ),
    ),
  );
}
