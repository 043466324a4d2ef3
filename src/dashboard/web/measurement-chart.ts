/**
 * One metric's measurements over time as an SVG chart: a point per measurement at its value, coloured by its phase;
 * the thresholds of the success and failure conditions as dashed lines. A measurement without a numeric value (an
 * error, a list or text) is a cross on the baseline. The vertical range reaches 120 % of the largest value or
 * threshold, as Argo's analysis view does, rounded up to a readable tick.
 */
import type { ReactNode } from 'react';
import type { MeasurementView, MetricView } from '../../view/metric-view.js';
import { h } from './h.js';

const W = 560;
const H = 170;
const PAD = { left: 48, right: 64, top: 12, bottom: 26 };

interface Frame {
  x(index: number, at: number | null): number;
  y(value: number): number;
  low: number;
  high: number;
  start: number | null;
  end: number | null;
}

function thresholdsOf(metric: MetricView): { value: number; kind: 'success' | 'failure' }[] {
  return [
    ...(metric.successCondition?.thresholds ?? []).map((value) => ({ value, kind: 'success' as const })),
    ...(metric.failureCondition?.thresholds ?? []).map((value) => ({ value, kind: 'failure' as const })),
  ];
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (> 0): round tick labels. */
function roundUp(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function valueRange(metric: MetricView): [number, number] {
  const values = [
    ...metric.measurements.flatMap((m) => (m.numeric === null ? [] : [m.numeric])),
    ...thresholdsOf(metric).map((t) => t.value),
  ];
  const high = Math.max(0, ...values);
  const low = Math.min(0, ...values);
  return [low < 0 ? -roundUp(-low * 1.2) : 0, high > 0 ? roundUp(high * 1.2) : 1];
}

function frameOf(metric: MetricView): Frame {
  const [low, high] = valueRange(metric);
  const times = metric.measurements.flatMap((m) => (m.at === null ? [] : [m.at]));
  const timed = times.length > 0 && times.length === metric.measurements.length;
  const start = timed ? Math.min(...times) : null;
  const end = timed ? Math.max(...times) : null;
  const width = W - PAD.left - PAD.right;
  const slots = Math.max(1, metric.measurements.length - 1);
  const span = start !== null && end !== null && end > start ? end - start : null;
  return {
    x: (index, at) =>
      PAD.left +
      (span !== null && start !== null && at !== null
        ? ((at - start) / span) * width
        : (index / slots) * width),
    y: (value) => PAD.top + (1 - (value - low) / (high - low)) * (H - PAD.top - PAD.bottom),
    low,
    high,
    start,
    end,
  };
}

/** Up to three significant digits, no exponent for the usual ranges. */
export function formatValue(value: number): string {
  if (value === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return String(Number(value.toFixed(Math.min(digits, 6))));
}

function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

function axes(frame: Frame): ReactNode[] {
  const ticks = [frame.low, (frame.low + frame.high) / 2, frame.high].filter(
    (v, i, all) => all.indexOf(v) === i,
  );
  const nodes: ReactNode[] = ticks.map((v) =>
    h(
      'g',
      { key: `y${v}` },
      h('line', { x1: PAD.left, x2: W - PAD.right, y1: frame.y(v), y2: frame.y(v), className: 'grid' }),
      h('text', { x: PAD.left - 6, y: frame.y(v) + 4, textAnchor: 'end', className: 'tick' }, formatValue(v)),
    ),
  );
  if (frame.start !== null && frame.end !== null) {
    nodes.push(
      h('text', { key: 'x0', x: PAD.left, y: H - 8, className: 'tick' }, clock(frame.start)),
      h(
        'text',
        { key: 'x1', x: W - PAD.right, y: H - 8, textAnchor: 'end', className: 'tick' },
        clock(frame.end),
      ),
    );
  }
  return nodes;
}

function thresholdLines(metric: MetricView, frame: Frame): ReactNode[] {
  return thresholdsOf(metric).map((t) =>
    h(
      'g',
      { key: `${t.kind}-${t.value}`, className: `threshold ${t.kind}`, 'data-threshold': t.kind },
      h('line', { x1: PAD.left, x2: W - PAD.right, y1: frame.y(t.value), y2: frame.y(t.value) }),
      h(
        'text',
        { x: W - PAD.right + 4, y: frame.y(t.value) + 4 },
        `${t.kind === 'success' ? '✔' : '✖'} ${formatValue(t.value)}`,
      ),
    ),
  );
}

function describe(m: MeasurementView): string {
  const when = m.at !== null ? `${clock(m.at)} ` : '';
  const message = m.message ? `: ${m.message}` : '';
  return `${when}${m.phase} ${m.value || '(no value)'}${message}`;
}

function point(m: MeasurementView, index: number, frame: Frame): ReactNode {
  const x = frame.x(index, m.at);
  const common = {
    key: `m${index}`,
    className: `measurement phase-${m.phase.toLowerCase()}`,
    'data-phase': m.phase,
    'data-value': m.value,
  };
  if (m.numeric === null) {
    const y = frame.y(Math.max(frame.low, Math.min(0, frame.high)));
    const d = `M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}`;
    return h('path', { ...common, d }, h('title', null, describe(m)));
  }
  return h('circle', { ...common, cx: x, cy: frame.y(m.numeric), r: 5 }, h('title', null, describe(m)));
}

function valueLine(metric: MetricView, frame: Frame): string {
  return metric.measurements
    .map((m, i) =>
      m.numeric === null ? '' : `${frame.x(i, m.at).toFixed(1)},${frame.y(m.numeric).toFixed(1)}`,
    )
    .filter(Boolean)
    .join(' ');
}

export function MeasurementChart({ metric }: { metric: MetricView }): ReactNode {
  const frame = frameOf(metric);
  return h(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      className: 'measurement-chart',
      role: 'img',
      'aria-label': `measurements of ${metric.name} over time`,
      'data-metric': metric.name,
    },
    ...axes(frame),
    ...thresholdLines(metric, frame),
    h('polyline', { key: 'line', points: valueLine(metric, frame), className: 'value-line' }),
    ...metric.measurements.map((m, i) => point(m, i, frame)),
  );
}
