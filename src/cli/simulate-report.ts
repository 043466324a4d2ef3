import type { DestinationRule, VirtualService } from '../api/istio.js';
import { objectKey } from '../api/meta.js';
import type { CanaryStep } from '../api/rollout.js';
import type { LoadedRollout } from '../manifests/validate.js';
import type { Finding, Severity, TrafficPath } from '../mesh/index.js';
import { formatShare, pathLabel, SEVERITY_RANK, sortFindings } from '../mesh/index.js';
import type { StepAnalysis } from '../mesh/analyze.js';
import type { ManifestAnalysis, RolloutStepsAnalysis } from '../mesh/simulate-paths.js';
import { renderTable } from './output.js';
import type { Style } from './output.js';
import { describeStep } from './step-action.js';

/** One row of `truesplit simulate`: the steady state once the step has been reached. */
export interface SimulateReportStep {
  index: number;
  /** The step as written; null for the final, fully promoted row. */
  step: CanaryStep | null;
  /** The step as people read it: "setWeight 10", "pause 30s", "promoted". */
  action: string;
  canaryWeight: number;
  stableWeight: number;
  replicas: { stable: number; canary: number };
  /** The canary share every caller really gets at this step (gateway, mesh, plain, ambient). */
  paths: SimulatedPath[];
  /** With `--render`: the VirtualServices and DestinationRule as truesplit writes them at this step. */
  objects?: (VirtualService | DestinationRule)[];
}

/** A traffic path at one step, with the worst severity of the findings it raised there (absent: none). */
export type SimulatedPath = TrafficPath & { severity?: Severity };

export interface SimulatedRollout {
  /** `namespace/name`. */
  rollout: string;
  file: string;
  line: number;
  steps: SimulateReportStep[];
}

export interface SimulateReport {
  rollouts: SimulatedRollout[];
  /** Deduplicated over every step and Rollout (worst severity wins; `steps` lists where each was seen). */
  findings: Finding[];
}

export interface SimulateOptions {
  /** Add each step's rendered VirtualServices and DestinationRule (`objects`). */
  render?: boolean;
}

/**
 * The whole `simulate` report, the one place its JSON/YAML shape is assembled, from the analysis the input check ran
 * (`checkManifests`: each Rollout simulated, its Istio objects rendered, every path evaluated) for the Rollouts shown.
 */
export function buildSimulateReport(
  rollouts: readonly LoadedRollout[],
  analysis: ManifestAnalysis,
  opts: SimulateOptions = {},
): SimulateReport {
  const shown = rollouts.map((loaded) => ({
    loaded,
    analysed: analysis.rollouts.find((r) => r.rollout === loaded.object),
  }));
  const simulated = shown.map(({ loaded, analysed }) => reportRollout(loaded, analysed, opts));
  const findings = shown.flatMap(({ analysed }) => analysed?.analysis.findings ?? []);
  return { rollouts: simulated, findings: sortFindings(findings) };
}

function worstSeverity(severities: readonly Severity[]): Severity | undefined {
  return [...severities].sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0];
}

/** The step's paths, each with the worst severity of this step's findings that name it. */
function pathsAt(step: StepAnalysis | undefined): SimulatedPath[] {
  return (step?.paths ?? []).map((path) => {
    const label = pathLabel(path);
    const raised = (step?.findings ?? []).filter(
      (f) => path.findings.includes(f.code) && f.paths.includes(label),
    );
    const severity = worstSeverity(raised.map((f) => f.severity));
    return severity ? { ...path, severity } : { ...path };
  });
}

function reportRollout(
  { object: rollout, file, line }: LoadedRollout,
  analysed: RolloutStepsAnalysis | undefined,
  opts: SimulateOptions,
): SimulatedRollout {
  const steps = (analysed?.simulation ?? []).map((entry, i): SimulateReportStep => {
    const row: SimulateReportStep = {
      index: entry.index,
      step: entry.step,
      action: describeStep(entry.step),
      canaryWeight: entry.canaryWeight,
      stableWeight: entry.stableWeight,
      replicas: { stable: entry.replicas.stable, canary: entry.replicas.canary },
      paths: pathsAt(analysed?.analysis.steps[i]),
    };
    if (opts.render) {
      const state = analysed?.states[i];
      row.objects = [...(state?.virtualServices ?? []), ...(state?.destinationRules ?? [])];
    }
    return row;
  });
  return { rollout: objectKey(rollout), file, line, steps };
}

const TABLE_HEADERS = ['STEP', 'ACTION', 'CANARY %', 'STABLE %', 'CANARY PODS', 'STABLE PODS', 'PATHS'];
const KIND_LABELS: [TrafficPath['kind'], string][] = [
  ['gateway', 'gw'],
  ['mesh', 'mesh'],
  ['plain', 'plain'],
  ['ambient', 'ambient'],
];
const MARKS: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

/** "gw 10% · mesh 50%✖ · plain 50%⚠": per kind, the distinct canary shares and the worst finding's mark. */
export function summarizePaths(paths: readonly SimulatedPath[]): string {
  const parts: string[] = [];
  for (const [kind, label] of KIND_LABELS) {
    const ofKind = paths.filter((p) => p.kind === kind && p.variant === undefined);
    if (ofKind.length === 0) continue;
    const shares = [
      ...new Set(ofKind.map((p) => (p.canaryShare === null ? 'fails' : formatShare(p.canaryShare)))),
    ];
    const worst = worstSeverity(ofKind.flatMap((p) => (p.severity ? [p.severity] : [])));
    parts.push(`${label} ${shares.join('/')}${worst ? MARKS[worst] : ''}`);
  }
  return parts.length > 0 ? parts.join(' · ') : '-';
}

function severityStyle(style: Style, severity: Severity): (text: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : style.dim;
}

function stepsSeen(steps: readonly number[] | undefined): string {
  if (!steps || steps.length === 0) return '';
  return steps.length === 1 ? ` (step ${steps[0]})` : ` (steps ${steps.join(', ')})`;
}

function renderFindings(findings: readonly Finding[], style: Style): string {
  const lines = findings.map((f) => {
    const head = severityStyle(
      style,
      f.severity,
    )(`${MARKS[f.severity]} ${f.severity.toUpperCase()} ${f.code}`);
    return `${head}${stepsSeen(f.steps)}: ${f.message}`;
  });
  const legend = style.dim('Findings (✖ error, ⚠ warning, ℹ info; fixes: truesplit analyze, or -o yaml):');
  return `\n${legend}\n${lines.join('\n')}\n`;
}

/**
 * The table for people: one block per Rollout, one row per step with a compact summary of the traffic paths
 * (canary share per kind of caller; ✖ error, ⚠ warning, ℹ info), then the findings, one line each.
 */
export function renderSimulateTable(report: SimulateReport, style: Style): string {
  const blocks = report.rollouts.map((simulated) => {
    const rows = simulated.steps.map((row) => [
      String(row.index),
      row.action,
      String(row.canaryWeight),
      String(row.stableWeight),
      String(row.replicas.canary),
      String(row.replicas.stable),
      summarizePaths(row.paths),
    ]);
    const title = style.bold(`Rollout ${simulated.rollout}`) + style.dim(` (${simulated.file})`);
    return `${title}\n${renderTable(TABLE_HEADERS, rows, { styleHeader: style.dim })}`;
  });
  const findings = report.findings.length > 0 ? renderFindings(report.findings, style) : '';
  return blocks.join('\n') + findings;
}
