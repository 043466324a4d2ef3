/**
 * Text rendering of a RolloutView, in the layout of `kubectl argo rollouts get rollout` plus the traffic each caller
 * path really gets. Pure; colour is ANSI and optional.
 */
import { pathLabel as modelPathLabel } from '../mesh/types.js';
import type { PathView, RevisionView, RolloutView, StepView } from './rollout-view.js';

export interface RenderOptions {
  color: boolean;
}

type Paint = (text: string, code: number) => string;

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;

const PHASE_ICON: Record<string, string> = {
  Healthy: '✔',
  Progressing: '◌',
  Paused: '॥',
  Degraded: '✖',
};
const PHASE_COLOR: Record<string, number> = {
  Healthy: ANSI.green,
  Progressing: ANSI.blue,
  Paused: ANSI.gray,
  Degraded: ANSI.red,
};
const HEALTH_MARK = { ok: '✔', warning: '⚠', error: '✖' } as const;
const HEALTH_COLOR = { ok: ANSI.green, warning: ANSI.yellow, error: ANSI.red } as const;
const STEP_MARK: Record<StepView['state'], string> = { done: '✔', current: '▶', pending: '·' };

export function renderRolloutTree(view: RolloutView, options: RenderOptions): string {
  const paint: Paint = options.color ? (text, code) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
  const sections = [
    renderSummary(view, paint),
    renderSteps(view, paint),
    renderPaths(view.paths, paint),
    renderFindings(view, paint),
    renderRevisionTree(view, paint),
  ];
  return sections.filter((s) => s !== '').join('\n\n') + '\n';
}

function field(label: string, value: string, indent = 0): string {
  const key = `${' '.repeat(indent)}${label}:`;
  return `${key.padEnd(17)}${value}`;
}

function phaseText(phase: string, paint: Paint): string {
  const icon = PHASE_ICON[phase] ?? '?';
  return paint(`${icon} ${phase}`, PHASE_COLOR[phase] ?? ANSI.gray);
}

function renderSummary(view: RolloutView, paint: Paint): string {
  const lines = [
    field('Name', view.name),
    field('Namespace', view.namespace),
    field('Status', phaseText(view.phase, paint)),
  ];
  if (view.message) lines.push(field('Message', view.message));
  lines.push(...verdictLines(view, paint));
  lines.push(field('Strategy', view.strategy === 'blueGreen' ? 'BlueGreen' : capitalise(view.strategy)));
  if (view.currentStep !== null) lines.push(field('Step', `${view.currentStep}/${view.steps.length}`, 2));
  lines.push(field('SetWeight', String(view.weights.desired), 2));
  lines.push(field('ActualWeight', String(view.weights.actual), 2));
  const images = imagesByRole(view.revisions);
  images.forEach((image, i) => lines.push(i === 0 ? field('Images', image) : `${' '.repeat(17)}${image}`));
  const { desired, current, updated, ready, available } = view.replicas;
  lines.push(
    'Replicas:',
    field('Desired', String(desired), 2),
    field('Current', String(current), 2),
    field('Updated', String(updated), 2),
    field('Ready', String(ready), 2),
    field('Available', String(available), 2),
  );
  return lines.join('\n');
}

/** The controller's verdict: the TrafficPathsConsistent condition and the path gate, as written in status. */
function verdictLines(view: RolloutView, paint: Paint): string[] {
  const verdict = view.pathVerdict;
  if (!verdict) return [];
  const lines: string[] = [];
  const c = verdict.condition;
  if (c) {
    const color = c.status === 'True' ? ANSI.green : c.status === 'False' ? ANSI.red : ANSI.gray;
    lines.push(field('Paths', `${paint(`${c.status} ${c.reason}`, color)}: ${c.message}`));
  }
  const gate = verdict.gate;
  const held = gate.holding ? paint(`holding the step: ${gate.message}`, ANSI.red) : 'open';
  lines.push(field('PathGate', `${gate.mode}, ${held}`));
  return lines;
}

function imagesByRole(revisions: RevisionView[]): string[] {
  const lines: string[] = [];
  for (const rev of revisions) {
    if (rev.role === 'old' || rev.replicas === 0) continue;
    for (const image of rev.images) lines.push(`${image} (${rev.role})`);
  }
  return lines;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderSteps(view: RolloutView, paint: Paint): string {
  if (view.steps.length === 0) return '';
  const lines = view.steps.map((step) => {
    const line = `  ${STEP_MARK[step.state]} ${step.index}  ${step.label}`;
    if (step.state === 'current') return paint(line, ANSI.bold);
    return step.state === 'done' ? paint(line, ANSI.gray) : line;
  });
  return ['Steps:', ...lines].join('\n');
}

function formatShare(share: number | null | undefined): string {
  if (share === undefined) return '-';
  return share === null ? 'fails' : `${share}%`;
}

function renderPaths(paths: PathView[], paint: Paint): string {
  if (paths.length === 0) return '';
  const header = ['PATH', 'DESIRED', 'PREDICTED', 'OBSERVED', 'FINDINGS'];
  const rows = paths.map((p) => [
    `${HEALTH_MARK[p.health]} ${modelPathLabel({ kind: p.kind, from: p.from, ...(p.variant ? { variant: p.variant } : {}) })}`,
    formatShare(p.desired),
    formatShare(p.predicted),
    p.observed ? `${p.observed.share}% (n=${p.observed.requests})` : '-',
    p.findingCodes.join(', '),
  ]);
  const table = alignColumns([header, ...rows]);
  const painted = table.map((line, i) => {
    const path = paths[i - 1];
    return path && path.health !== 'ok' ? paint(line, HEALTH_COLOR[path.health]) : line;
  });
  return ['Traffic paths (canary share):', ...painted.map((l) => `  ${l}`)].join('\n');
}

function renderFindings(view: RolloutView, paint: Paint): string {
  if (view.findings.length === 0) return '';
  const blocks = view.findings.map((f) => {
    const mark = f.severity === 'error' ? '✖' : f.severity === 'warning' ? '⚠' : 'ℹ';
    const color = f.severity === 'error' ? ANSI.red : f.severity === 'warning' ? ANSI.yellow : ANSI.blue;
    const head = paint(`  ${mark} ${f.code} (${f.severity}): ${f.message}`, color);
    const objects = f.objects.length > 0 ? [`      objects: ${f.objects.join(', ')}`] : [];
    const fix = f.fix
      .trimEnd()
      .split('\n')
      .map((line, i) => (i === 0 ? `      fix: ${line}` : `           ${line}`));
    return [head, ...objects, ...(f.fix.trim() ? fix : [])].join('\n');
  });
  return ['Findings:', ...blocks].join('\n');
}

interface TreeRow {
  prefix: string;
  name: string;
  kind: string;
  status: string;
  info: string;
}

function renderRevisionTree(view: RolloutView, paint: Paint): string {
  const rows: TreeRow[] = [
    { prefix: '⟳ ', name: view.name, kind: 'Rollout', status: phaseText(view.phase, paint), info: '' },
  ];
  view.revisions.forEach((rev, i) => {
    const last = i === view.revisions.length - 1;
    rows.push(...revisionRows(rev, last, paint));
  });
  const table = alignColumns([
    ['NAME', 'KIND', 'STATUS', 'INFO'],
    ...rows.map((r) => [r.prefix + r.name, r.kind, r.status, r.info]),
  ]);
  return table.join('\n');
}

function revisionRows(rev: RevisionView, last: boolean, paint: Paint): TreeRow[] {
  const branch = last ? '└──' : '├──';
  const indent = last ? '   ' : '│  ';
  const rsStatus =
    rev.replicas === 0
      ? paint('• ScaledDown', ANSI.gray)
      : rev.available >= rev.replicas
        ? '✔ Healthy'
        : '◌ Progressing';
  const rows: TreeRow[] = [
    { prefix: `${branch}# `, name: `revision:${rev.revision ?? '?'}`, kind: '', status: '', info: '' },
    {
      prefix: `${indent}└──⧉ `,
      name: rev.name,
      kind: 'ReplicaSet',
      status: rsStatus,
      info: [rev.role === 'old' ? '' : rev.role, `ready:${rev.ready}/${rev.replicas}`]
        .filter(Boolean)
        .join(','),
    },
  ];
  rev.pods.forEach((pod, i) => {
    const podBranch = i === rev.pods.length - 1 ? '└──' : '├──';
    const status = pod.ready ? '✔ Running' : `◌ ${pod.phase}`;
    rows.push({ prefix: `${indent}   ${podBranch}□ `, name: pod.name, kind: 'Pod', status, info: '' });
  });
  return rows;
}

const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string): number => [...text.replace(ANSI_PATTERN, '')].length;

/** Pads every column to its widest visible cell (ANSI codes do not count), two spaces between columns. */
function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd(),
  );
}
