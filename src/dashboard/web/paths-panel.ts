/** The centrepiece: what share of each caller path reaches the canary — desired, predicted, observed — live. */
import type { ReactNode } from 'react';
import { pathLabel as modelPathLabel } from '../../mesh/types.js';
import type { PathView } from '../../view/rollout-view.js';
import { Card } from './common.js';
import { cx, h, pct } from './h.js';
import { ChartLegend, SERIES_COLORS, ShareChart, type ShareSeries } from './share-chart.js';

export const CHART_SPAN_MS = 90_000;
const MIN_CHART_SPAN_MS = 20_000;

/** The chart shows the history it has, from 20 s up to 90 s. */
export function chartSpan(series: ShareSeries[], now: number): number {
  const first = Math.min(now, ...series.flatMap((s) => s.points.slice(0, 1).map((p) => p.t)));
  return Math.min(CHART_SPAN_MS, Math.max(MIN_CHART_SPAN_MS, now - first));
}

const MARK = { ok: '✔', warning: '⚠', error: '✖' } as const;

/** The CLI's label (`get rollout`, `analyze`, finding texts), so a path reads the same everywhere. */
export function pathLabel(path: PathView): string {
  return modelPathLabel({
    kind: path.kind,
    from: path.from,
    ...(path.variant ? { variant: path.variant } : {}),
  });
}

export function colorFor(paths: PathView[], id: string): string {
  const index = paths.findIndex((p) => p.id === id);
  return SERIES_COLORS[Math.max(0, index) % SERIES_COLORS.length]!;
}

function pathRow(path: PathView, color: string): ReactNode {
  return h(
    'tr',
    { key: path.id, className: cx('path-row', `health-${path.health}`), 'data-path': path.id },
    h(
      'td',
      null,
      h('span', { className: 'swatch', style: { background: color } }),
      h('span', { className: cx('mark', path.health) }, MARK[path.health]),
      ' ',
      pathLabel(path),
    ),
    h('td', { className: 'num' }, pct(path.desired)),
    h('td', { className: 'num predicted' }, pct(path.predicted)),
    h(
      'td',
      { className: 'num observed', 'data-observed': path.observed?.share ?? '' },
      path.observed && path.observed.share !== null ? `${path.observed.share}%` : '–',
      path.observed ? h('span', { className: 'muted small' }, ` n=${path.observed.requests}`) : null,
    ),
    h('td', null, ...path.findingCodes.map((c) => h('code', { key: c, className: 'code-chip' }, c))),
  );
}

export function PathsPanel({
  paths,
  series,
  now,
}: {
  paths: PathView[];
  series: ShareSeries[];
  now: number;
}): ReactNode {
  const body =
    paths.length === 0
      ? h(
          'p',
          { className: 'muted' },
          'No traffic paths: the Rollout has no Istio traffic routing, or no caller was found.',
        )
      : [
          h(
            'table',
            { key: 't', className: 'table paths' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...['Path (caller → first proxy)', 'Desired', 'Predicted', 'Observed', 'Findings'].map((t) =>
                  h('th', { key: t }, t),
                ),
              ),
            ),
            h('tbody', null, ...paths.map((p) => pathRow(p, colorFor(paths, p.id)))),
          ),
          h(ShareChart, { key: 'c', series, now, spanMs: chartSpan(series, now) }),
          h(ChartLegend, { key: 'l', series }),
        ];
  return h(Card, { title: 'Canary share per traffic path', className: 'paths-card' }, body);
}
