/**
 * Text rendering of a RolloutView, in the layout of `kubectl argo rollouts get rollout` plus the traffic each caller
 * path really gets. Pure; colour is ANSI and optional.
 */
import { pathLabel as modelPathLabel } from '../mesh/types.js';
import type { AnalysisRunView } from './analysis-run-view.js';
import type { ObservedShare, PathView, RevisionView, RolloutView, StepView } from './rollout-view.js';

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

/** `12.5% (n=400)`; `- (n=7)` below the minimum sample size; `-` when nothing was observed. */
export function formatObserved(observed: ObservedShare | undefined): string {
  if (!observed) return '-';
  const share = observed.share === null ? '-' : `${observed.share}%`;
  return `${share} (n=${observed.requests})`;
}

function renderPaths(paths: PathView[], paint: Paint): string {
  if (paths.length === 0) return '';
  const header = ['PATH', 'DESIRED', 'PREDICTED', 'OBSERVED', 'FINDINGS'];
  const rows = paths.map((p) => [
    `${HEALTH_MARK[p.health]} ${modelPathLabel({ kind: p.kind, from: p.from, ...(p.variant ? { variant: p.variant } : {}) })}`,
    formatShare(p.desired),
    formatShare(p.predicted),
    formatObserved(p.observed),
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
  const groups = revisionGroups(view);
  groups.forEach((group, i) => rows.push(...groupRows(group, i === groups.length - 1, paint)));
  const table = alignColumns([
    ['NAME', 'KIND', 'STATUS', 'INFO'],
    ...rows.map((r) => [r.prefix + r.name, r.kind, r.status, r.info]),
  ]);
  return table.join('\n');
}

/** What Argo's plugin lists under one `# revision:N`: its ReplicaSets, then its AnalysisRuns. */
interface RevisionGroup {
  revision: number | null;
  replicaSets: RevisionView[];
  runs: AnalysisRunView[];
}

/** Every revision that has a ReplicaSet or an AnalysisRun, newest first (a revision without a number last). */
function revisionGroups(view: RolloutView): RevisionGroup[] {
  const groups: RevisionGroup[] = [];
  const groupOf = (revision: number | null): RevisionGroup => {
    const found = groups.find((g) => g.revision === revision);
    if (found) return found;
    const group: RevisionGroup = { revision, replicaSets: [], runs: [] };
    groups.push(group);
    return group;
  };
  for (const rev of view.revisions) groupOf(rev.revision).replicaSets.push(rev);
  for (const run of view.analysisRuns) groupOf(run.revision ?? 0).runs.push(run);
  return groups.sort((a, b) => (b.revision ?? -1) - (a.revision ?? -1));
}

/** Tree branches for a child: its own line, and the prefix of its children's lines. */
const branches = (last: boolean) => (last ? { line: '└──', below: '   ' } : { line: '├──', below: '│  ' });

function groupRows(group: RevisionGroup, last: boolean, paint: Paint): TreeRow[] {
  const { line, below } = branches(last);
  const rows: TreeRow[] = [
    { prefix: `${line}# `, name: `revision:${group.revision ?? '?'}`, kind: '', status: '', info: '' },
  ];
  const children = group.replicaSets.length + group.runs.length;
  let index = 0;
  for (const rev of group.replicaSets) rows.push(...replicaSetRows(rev, below, ++index === children, paint));
  for (const run of group.runs) rows.push(analysisRunRow(run, below, ++index === children, paint));
  return rows;
}

function replicaSetRows(rev: RevisionView, indent: string, last: boolean, paint: Paint): TreeRow[] {
  const { line, below } = branches(last);
  const rsStatus =
    rev.replicas === 0
      ? paint('• ScaledDown', ANSI.gray)
      : rev.available >= rev.replicas
        ? '✔ Healthy'
        : '◌ Progressing';
  const rows: TreeRow[] = [
    {
      prefix: `${indent}${line}⧉ `,
      name: rev.name,
      kind: 'ReplicaSet',
      status: rsStatus,
      info: [rev.role === 'old' ? '' : rev.role, `ready:${rev.ready}/${rev.replicas}`]
        .filter(Boolean)
        .join(','),
    },
  ];
  rev.pods.forEach((pod, i) => {
    const podBranch = branches(i === rev.pods.length - 1).line;
    const status = pod.ready ? '✔ Running' : `◌ ${pod.phase}`;
    rows.push({ prefix: `${indent}${below}${podBranch}□ `, name: pod.name, kind: 'Pod', status, info: '' });
  });
  return rows;
}

/** The plugin's colour for each analysis phase (the icon is the view's: `run.icon`). */
const RUN_COLOR: Record<string, number> = {
  Successful: ANSI.green,
  Failed: ANSI.red,
  Error: ANSI.red,
  Inconclusive: ANSI.yellow,
  Running: ANSI.blue,
  Pending: ANSI.yellow,
};

/** `α NAME  AnalysisRun  ✔ Successful  ✔ 3,✖ 1  message`: Argo's counts (✔ ✖ ? ⚠, non-zero only), then the message. */
function analysisRunRow(run: AnalysisRunView, indent: string, last: boolean, paint: Paint): TreeRow {
  const color = RUN_COLOR[run.phase] ?? ANSI.gray;
  const counts = (
    [
      ['✔', run.counts.successful, ANSI.green],
      ['✖', run.counts.failed, ANSI.red],
      ['?', run.counts.inconclusive, ANSI.yellow],
      ['⚠', run.counts.error, ANSI.red],
    ] as const
  )
    .filter(([, count]) => count > 0)
    .map(([mark, count, markColor]) => `${paint(mark, markColor)} ${count}`);
  return {
    prefix: `${indent}${branches(last).line}α `,
    name: run.name,
    kind: 'AnalysisRun',
    status: paint(`${run.icon} ${run.phase}`, color),
    info: [counts.join(','), run.message].filter(Boolean).join('  '),
  };
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
