import type { Finding, Severity, TrafficPath } from '../../mesh/index.js';
import { formatPathShare, formatShare, pathLabel, SEVERITY_RANK } from '../../mesh/index.js';
import { parseCommandArgs, parseOutputFlag } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readValidatedInput } from '../input.js';
import type { Style } from '../output.js';
import { plural, renderTable, serialize, styleFor } from '../output.js';
import { analyzeLive } from '../live/analyze-live.js';
import {
  ALL_NAMESPACES_HELP,
  ALL_NAMESPACES_OPTION,
  KUBE_OPTIONS,
  PROMETHEUS_HELP,
  PROMETHEUS_OPTION,
} from '../live/flags.js';
import { formatObserved } from '../../view/render-tree.js';
import { observedShareView } from '../../view/observed.js';
import type { LiveFlags } from '../live/session.js';
import { openSession, runLive } from '../live/session.js';
import { buildAnalyzeReport, type AnalyzeReport, type LiveMoment, type LivePath } from '../analyze-report.js';

const OPTIONS = {
  ...FILENAME_OPTION,
  ...KUBE_OPTIONS,
  ...ALL_NAMESPACES_OPTION,
  live: { type: 'boolean' },
  ...PROMETHEUS_OPTION,
  'fail-on': { type: 'string' },
  tolerance: { type: 'string' },
} as const;

type FailOn = Severity | 'never';
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

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
    formatPathShare(p),
    formatShare(p.desiredShare),
    p.followsWeight ? 'yes' : 'NO',
    p.findings.join(','),
  ]);
  return renderTable(['PATH', 'CANARY', 'DESIRED', 'FOLLOWS', 'FINDINGS'], rows, { styleHeader: style.dim });
}

/** The Now block's paths; with a Prometheus configured, what each was observed to get (OBSERVED). */
function renderLivePaths(live: LiveMoment, style: Style): string {
  if (live.observedFrom === undefined) return renderPaths(live.paths, style);
  const observed = (p: LivePath) =>
    formatObserved(p.observed && observedShareView({ ...p.observed, share: p.observed.share ?? undefined }));
  const rows = live.paths.map((p) => [
    pathLabel(p),
    formatPathShare(p),
    formatShare(p.desiredShare),
    observed(p),
    p.followsWeight ? 'yes' : 'NO',
    p.findings.join(','),
  ]);
  const header = ['PATH', 'CANARY', 'DESIRED', 'OBSERVED', 'FOLLOWS', 'FINDINGS'];
  return renderTable(header, rows, { styleHeader: style.dim });
}

function renderFinding(f: Finding, style: Style): string {
  const head = severityStyle(style, f.severity)(`${f.severity.toUpperCase()} ${f.code}`);
  const fix = f.fix
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${head}: ${f.message}\n  objects: ${f.objects.join(', ')}\n  fix:\n${fix}\n`;
}

function liveHeading(live: LiveMoment): string {
  const step = live.step === null ? '' : ` at step ${live.step}`;
  const heading = `Now: ${live.phase}${step}, canary weight ${live.canaryWeight}%`;
  const verdict = live.pathVerdict;
  if (!verdict) return heading;
  const c = verdict.condition;
  const condition = c ? `\nController: TrafficPathsConsistent ${c.status} (${c.reason}): ${c.message}` : '';
  const gate = verdict.gate.holding ? `holding the step: ${verdict.gate.message}` : 'open';
  return `${heading}${condition}\nPath gate (${verdict.gate.mode}): ${gate}`;
}

export function renderAnalyzeTable(report: AnalyzeReport, style: Style): string {
  const blocks: string[] = [];
  for (const r of report.rollouts) {
    const diverging = r.steps.filter((s) => s.paths.some((p) => !p.followsWeight));
    const lines = [style.bold(`Rollout ${r.rollout}`)];
    if (r.live) lines.push(liveHeading(r.live), renderLivePaths(r.live, style));
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
  return `${plural(report.rollouts.length, 'Rollout')} analysed: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`;
}

async function analyzeInput(
  paths: string[],
  io: CliIo,
  tolerance: number,
): Promise<AnalyzeReport | undefined> {
  const input = await readValidatedInput(paths, io, { tolerance });
  if (!input) return undefined;
  if (input.rollouts.length === 0) {
    io.stderr.write(`truesplit analyze: no Rollout in ${paths.join(', ')}\n`);
    return undefined;
  }
  return buildAnalyzeReport(input.analysis);
}

interface ReportSettings {
  format: 'table' | 'json' | 'yaml';
  failOn: FailOn;
  tolerance: number;
}

function printReport(io: CliIo, report: AnalyzeReport, settings: ReportSettings): number {
  const { format } = settings;
  io.stdout.write(format === 'table' ? renderAnalyzeTable(report, styleFor(io)) : serialize(report, format));
  io.stderr.write(`${summary(report)}\n`);
  return exitCode(report.findings, settings.failOn);
}

const LIVE_ONLY_FLAGS = ['kubeconfig', 'context', 'namespace', 'all-namespaces', 'prometheus'] as const;

/** `--live`: the Rollouts of `-n` (default: the context's namespace) or of every namespace (`-A`). */
async function analyzeCluster(
  values: LiveFlags & {
    filename?: string[] | undefined;
    'all-namespaces'?: boolean | undefined;
    prometheus?: string | undefined;
  },
  positionals: readonly string[],
  io: CliIo,
  settings: ReportSettings,
): Promise<number> {
  if (values.filename !== undefined || positionals.length > 0) {
    throw new UsageError('--live reads the cluster: drop -f and file arguments');
  }
  if (values['all-namespaces'] && values.namespace !== undefined) {
    throw new UsageError('flags -n/--namespace and -A/--all-namespaces cannot be used together');
  }
  return runLive(io, 'analyze', async () => {
    const session = await openSession(io, { ...values, output: undefined });
    const namespace = values['all-namespaces'] ? undefined : session.namespace;
    const observed = { flag: values.prometheus, env: io.env };
    const live = await analyzeLive(session.cluster, namespace, settings.tolerance, io, observed);
    if (!live) return EXIT.usage;
    const code = printReport(io, live.report, settings);
    return live.invalid > 0 ? Math.max(code, EXIT.problems) : code;
  });
}

export const analyze: Command = {
  name: 'analyze',
  summary: 'Show the canary share every caller really gets (gateway, mesh, no sidecar, ambient) at each step',
  usage: `Usage: truesplit analyze -f PATH... [-o table|json|yaml] [--fail-on error|warning|info|never] [--tolerance PCT]
       truesplit analyze --live [-n NS | -A] [flags]

Validates the input, simulates each Rollout's steps, renders its VirtualServices and DestinationRule as the
controller would write them at every step, and computes for each traffic path (ingress gateways, in-mesh callers
per namespace, callers without a sidecar, ambient callers) the share of requests that reaches the canary. Prints
the findings that explain every divergence from the desired weight, each with a fix.

With --live the same analysis runs on the objects of a cluster instead of files: the Rollouts of -n (default: the
kubeconfig context's namespace) or of every namespace (-A), with the live Services, VirtualServices,
DestinationRules, Gateways, Namespaces, Sidecars and PeerAuthentications. Each Rollout also gets a 'Now' block
(JSON: "live"): the canary share of every path at its current weight, computed on the ready pods it runs now.
A live Rollout whose spec is invalid is reported on stderr and left out (exit code at least 1).
With a Prometheus address (--prometheus, else TRUESPLIT_PROMETHEUS_ADDRESS, else the Rollout's annotation
truesplit.io/prometheus-address) the Now block also shows OBSERVED (JSON: "observed" on each live path): the share
of each path's requests in the last truesplit.io/observed-window (default 1m) that reached the canary, from
Istio's istio_requests_total; '-' with the count below truesplit.io/path-min-samples requests (default 20). A
failed query is one warning on stderr; the rest of the report is unchanged.

Flags:
${FILENAME_HELP}
  -o, --output FORMAT   table (default), json or yaml
      --fail-on LEVEL   exit 1 when a finding is at least this severe: error (default), warning, info, never
      --tolerance PCT   a path follows the weight when within PCT percentage points (default 0)
      --live            analyse the Rollouts of a cluster instead of files
${ALL_NAMESPACES_HELP}
${PROMETHEUS_HELP}
  -n, --namespace NS    with --live: namespace (default: the kubeconfig context's namespace, else default)
      --context NAME    with --live: kubeconfig context to use (default: the current context)
      --kubeconfig PATH with --live: kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)

Exit codes: 0 nothing reached --fail-on, 1 findings reached it (or, with --live, an invalid Rollout or an API
error), 2 unreadable or invalid input, bad flags, no Rollout found or no cluster configured.

Examples:
  truesplit analyze -f examples/broken-mesh
  kustomize build overlays/prod | truesplit analyze -f - -o json --fail-on warning
  truesplit analyze --live -n rollouts-demo-istio
  truesplit analyze --live -A --fail-on warning
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    const settings: ReportSettings = {
      format: parseOutputFlag(values.output, ['table', 'json', 'yaml'] as const, 'table'),
      failOn: parseFailOn(values['fail-on']),
      tolerance: parseTolerance(values.tolerance),
    };
    if (values.live) return analyzeCluster(values, positionals, io, settings);
    const liveOnly = LIVE_ONLY_FLAGS.find((flag) => values[flag] !== undefined);
    if (liveOnly) throw new UsageError(`flag --${liveOnly} needs --live`);
    const report = await analyzeInput(inputPaths(values.filename, positionals), io, settings.tolerance);
    return report ? printReport(io, report, settings) : EXIT.usage;
  },
};
