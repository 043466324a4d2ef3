import { objectKey } from '../../api/meta.js';
import type { Finding, Severity, TrafficPath } from '../../mesh/index.js';
import { formatShare, pathLabel, SEVERITY_RANK, sortFindings } from '../../mesh/index.js';
import { meshShapeProblems } from '../../mesh/shape.js';
import type { ManifestAnalysis } from '../../mesh/simulate-paths.js';
import { analyzeManifests } from '../../mesh/simulate-paths.js';
import { parseCommandArgs, parseOutputFlag } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readValidatedInput } from '../input.js';
import type { Style } from '../output.js';
import { renderTable, serialize, styleFor } from '../output.js';
import { describeStep } from '../step-action.js';

const OPTIONS = {
  ...FILENAME_OPTION,
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  tolerance: { type: 'string' },
} as const;

type FailOn = Severity | 'never';
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

/** The JSON shape of `truesplit analyze -o json`. */
export interface AnalyzeReport {
  rollouts: {
    rollout: string;
    steps: { index: number; step: string; canaryWeight: number; paths: TrafficPath[] }[];
  }[];
  findings: Finding[];
}

export function buildAnalyzeReport(result: ManifestAnalysis): AnalyzeReport {
  const rollouts = result.rollouts.map(({ rollout, analysis }) => ({
    rollout: objectKey(rollout),
    steps: analysis.steps.map((s) => ({
      index: s.index,
      step: describeStep(s.step ?? null),
      canaryWeight: s.canaryWeight,
      paths: s.paths,
    })),
  }));
  const findings = result.rollouts.flatMap(({ analysis }) => analysis.findings);
  return { rollouts, findings: sortFindings(findings) };
}

function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'error';
  if ((FAIL_ON as readonly string[]).includes(value)) return value as FailOn;
  throw new UsageError(`flag --fail-on must be one of ${FAIL_ON.join(', ')} (got "${value}")`);
}

function parseTolerance(value: string | undefined): number {
  if (value === undefined) return 0;
  const percent = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new UsageError(`flag --tolerance must be a percentage between 0 and 100 (got "${value}")`);
  }
  return percent / 100;
}

function severityStyle(style: Style, severity: Severity): (text: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : style.dim;
}

function renderPaths(paths: readonly TrafficPath[], style: Style): string {
  const rows = paths.map((p) => [
    pathLabel(p),
    formatShare(p.canaryShare),
    formatShare(p.desiredShare),
    p.followsWeight ? 'yes' : 'NO',
    p.findings.join(','),
  ]);
  return renderTable(['PATH', 'CANARY', 'DESIRED', 'FOLLOWS', 'FINDINGS'], rows, { styleHeader: style.dim });
}

function renderFinding(f: Finding, style: Style): string {
  const head = severityStyle(style, f.severity)(`${f.severity.toUpperCase()} ${f.code}`);
  const fix = f.fix
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${head}: ${f.message}\n  objects: ${f.objects.join(', ')}\n  fix:\n${fix}\n`;
}

export function renderAnalyzeTable(report: AnalyzeReport, style: Style): string {
  const blocks: string[] = [];
  for (const r of report.rollouts) {
    const diverging = r.steps.filter((s) => s.paths.some((p) => !p.followsWeight));
    const lines = [style.bold(`Rollout ${r.rollout}`)];
    if (diverging.length === 0)
      lines.push(`  every path follows the weight at all ${r.steps.length} steps\n`);
    for (const s of diverging) {
      lines.push(
        `Step ${s.index} (${s.step}, canary weight ${s.canaryWeight}%)`,
        renderPaths(s.paths, style),
      );
    }
    blocks.push(lines.join('\n'));
  }
  if (report.findings.length > 0) blocks.push(report.findings.map((f) => renderFinding(f, style)).join('\n'));
  return blocks.join('\n');
}

function exitCode(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'never') return EXIT.ok;
  const threshold = SEVERITY_RANK[failOn];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT.problems : EXIT.ok;
}

function summary(report: AnalyzeReport): string {
  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  return `${report.rollouts.length} Rollouts analysed: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info`;
}

async function analyzeInput(
  paths: string[],
  io: CliIo,
  tolerance: number,
): Promise<AnalyzeReport | undefined> {
  const input = await readValidatedInput(paths, io);
  if (!input) return undefined;
  if (input.rollouts.length === 0) {
    io.stderr.write(`truesplit analyze: no Rollout in ${paths.join(', ')}\n`);
    return undefined;
  }
  const objects = input.objects.map((o) => o.object);
  const problems = meshShapeProblems(objects);
  for (const p of problems) io.stderr.write(`${p.object}: ${p.field}: ${p.message}\n`);
  if (problems.length > 0) return undefined;
  const result = analyzeManifests(
    objects,
    input.rollouts.map((r) => r.object),
    { tolerance },
  );
  for (const e of result.routerErrors) io.stderr.write(`${e.object}: ${e.field ?? 'spec'}: ${e.message}\n`);
  return result.routerErrors.length > 0 ? undefined : buildAnalyzeReport(result);
}

export const analyze: Command = {
  name: 'analyze',
  summary: 'Show the canary share every caller really gets (gateway, mesh, no sidecar, ambient) at each step',
  usage: `Usage: truesplit analyze -f PATH... [-o table|json|yaml] [--fail-on error|warning|info|never] [--tolerance PCT]

Validates the input, simulates each Rollout's steps, renders its VirtualServices and DestinationRule as the
controller would write them at every step, and computes for each traffic path (ingress gateways, in-mesh callers
per namespace, callers without a sidecar, ambient callers) the share of requests that reaches the canary. Prints
the findings that explain every divergence from the desired weight, each with a fix.

Flags:
${FILENAME_HELP}
  -o, --output FORMAT   table (default), json or yaml
      --fail-on LEVEL   exit 1 when a finding is at least this severe: error (default), warning, info, never
      --tolerance PCT   a path follows the weight when within PCT percentage points (default 0)

Exit codes: 0 nothing reached --fail-on, 1 findings reached it, 2 unreadable or invalid input or bad flags.

Examples:
  truesplit analyze -f examples/broken-mesh
  kustomize build overlays/prod | truesplit analyze -f - -o json --fail-on warning
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    const format = parseOutputFlag(values.output, ['table', 'json', 'yaml'] as const, 'table');
    const failOn = parseFailOn(values['fail-on']);
    const tolerance = parseTolerance(values.tolerance);
    const report = await analyzeInput(inputPaths(values.filename, positionals), io, tolerance);
    if (!report) return EXIT.usage;
    const style = styleFor(io);
    io.stdout.write(format === 'table' ? renderAnalyzeTable(report, style) : serialize(report, format));
    io.stderr.write(`${summary(report)}\n`);
    return exitCode(report.findings, failOn);
  },
};
