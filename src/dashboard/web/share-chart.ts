/** A live SVG line chart of canary share over time: observed (solid) and predicted (dashed) per path, desired (grey). */
import type { ReactNode } from 'react';
import { h } from './h.js';

export interface SharePoint {
  t: number;
  observed: number | null | undefined;
  predicted: number | null;
  desired: number;
}

export interface ShareSeries {
  id: string;
  label: string;
  color: string;
  points: SharePoint[];
}

export interface ShareChartProps {
  series: ShareSeries[];
  now: number;
  spanMs: number;
}

const W = 1200;
const H = 320;
const PAD = { left: 44, right: 16, top: 14, bottom: 28 };
const Y_TICKS = [0, 25, 50, 75, 100];

export const SERIES_COLORS = ['#2563eb', '#d97706', '#7c3aed', '#059669', '#db2777', '#0891b2'];

function scales(now: number, spanMs: number) {
  const x = (t: number) => PAD.left + ((t - (now - spanMs)) / spanMs) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / 100) * (H - PAD.top - PAD.bottom);
  return { x, y };
}

/** An SVG path through the points with a value, broken where the value is missing. */
function linePath(
  points: SharePoint[],
  pick: (p: SharePoint) => number | null | undefined,
  x: (t: number) => number,
  y: (v: number) => number,
  step = false,
): string {
  let d = '';
  let pen = false;
  let lastY = 0;
  for (const p of points) {
    const v = pick(p);
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    if (pen && step) d += `L${x(p.t).toFixed(1)},${lastY.toFixed(1)}`;
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
    lastY = y(v);
    pen = true;
  }
  return d;
}

function axes(now: number, spanMs: number): ReactNode[] {
  const { x, y } = scales(now, spanMs);
  const nodes: ReactNode[] = Y_TICKS.map((v) =>
    h(
      'g',
      { key: `y${v}` },
      h('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), className: 'grid' }),
      h('text', { x: PAD.left - 8, y: y(v) + 4, textAnchor: 'end', className: 'tick' }, `${v}%`),
    ),
  );
  const spanS = spanMs / 1000;
  const stepS = [5, 10, 15, 30, 60].find((candidate) => spanS / candidate <= 7) ?? 60;
  for (let s = 0; s <= spanS; s += stepS) {
    const t = now - s * 1000;
    nodes.push(
      h(
        'text',
        { key: `x${s}`, x: x(t), y: H - 8, textAnchor: 'middle', className: 'tick' },
        s === 0 ? 'now' : `−${s}s`,
      ),
    );
  }
  return nodes;
}

export function ShareChart({ series, now, spanMs }: ShareChartProps): ReactNode {
  const { x, y } = scales(now, spanMs);
  const desiredSource = series[0]?.points ?? [];
  return h(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      className: 'share-chart',
      role: 'img',
      'aria-label': 'canary share over time per path',
    },
    ...axes(now, spanMs),
    h('path', {
      key: 'desired',
      d: linePath(desiredSource, (p) => p.desired, x, y, true),
      className: 'desired-line',
    }),
    ...series.flatMap((s) => [
      h('path', {
        key: `${s.id}-p`,
        d: linePath(s.points, (p) => p.predicted, x, y, true),
        stroke: s.color,
        className: 'predicted-line',
      }),
      h('path', {
        key: `${s.id}-o`,
        d: linePath(s.points, (p) => p.observed, x, y),
        stroke: s.color,
        className: 'observed-line',
        'data-series': s.id,
      }),
    ]),
  );
}

export function ChartLegend({ series }: { series: ShareSeries[] }): ReactNode {
  return h(
    'div',
    { className: 'legend' },
    ...series.map((s) =>
      h('span', { key: s.id, className: 'legend-item' }, h('i', { style: { background: s.color } }), s.label),
    ),
    h(
      'span',
      { key: 'desired', className: 'legend-item muted' },
      h('i', { className: 'desired-swatch' }),
      'desired',
    ),
    h('span', { key: 'kinds', className: 'legend-item muted' }, 'solid = observed · dashed = predicted'),
  );
}
