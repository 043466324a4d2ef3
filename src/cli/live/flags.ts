/** kubectl's common flags for the commands that talk to a cluster, and their help text. */
import { parseOutputFlag } from '../args.js';
import { UsageError } from '../command.js';

export const KUBE_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
} as const;

export const ALL_NAMESPACES_OPTION = { 'all-namespaces': { type: 'boolean', short: 'A' } } as const;
export const WATCH_OPTIONS = {
  watch: { type: 'boolean', short: 'w' },
  timeout: { type: 'string', short: 't' },
} as const;

/** `--prometheus URL`: where Istio's telemetry is, for the OBSERVED shares (ADR 0270). */
export const PROMETHEUS_OPTION = { prometheus: { type: 'string' } } as const;

export const PROMETHEUS_HELP = `      --prometheus URL  Prometheus with Istio's telemetry, for observed shares (default:
                        TRUESPLIT_PROMETHEUS_ADDRESS, else the Rollout's truesplit.io/prometheus-address)`;

export const KUBE_HELP = `  -n, --namespace NS    namespace (default: the kubeconfig context's namespace, else default)
      --context NAME    kubeconfig context to use (default: the current context)
      --kubeconfig PATH kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster service account)
  -o, --output FORMAT   json or yaml instead of the human output`;

export const ALL_NAMESPACES_HELP = '  -A, --all-namespaces  every namespace';

export const WATCH_HELP = `  -w, --watch           keep running and print again when it changes
  -t, --timeout DUR     with -w: stop after DUR (e.g. 30s, 5m, 1h30m; 0 = never, the default)`;

export type MachineFormat = 'json' | 'yaml';
export type LiveFormat = 'human' | MachineFormat;

export function parseLiveOutput(value: string | undefined): LiveFormat {
  return parseOutputFlag(value, ['human', 'json', 'yaml'] as const, 'human');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1h30m`, `5m`, `10s`, `250ms`, or a bare number of seconds (Argo's DurationString). */
export function parseDuration(value: string, flag: string): number {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new UsageError(`flag ${flag} must be a duration such as 30s, 5m or 1h30m (got "${value}")`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? 's'] ?? 1000), 0);
}

/** `--timeout`: milliseconds, or undefined for "never". Only meaningful with `-w`. */
export function parseTimeout(value: string | undefined, watch: boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!watch) throw new UsageError('flag --timeout needs -w/--watch');
  const ms = parseDuration(value, '--timeout');
  return ms === 0 ? undefined : ms;
}

/** `rollout`, `rollouts` or `ro` as the resource word of `get`, `list`, `retry` (kubectl's aliases). */
export function expectRolloutResource(word: string | undefined, verb: string): void {
  if (word === undefined) throw new UsageError(`missing resource: ${verb} rollout NAME`);
  if (['rollout', 'rollouts', 'ro'].includes(word)) return;
  if (['experiment', 'experiments', 'exp'].includes(word)) {
    throw new UsageError(`${verb} ${word}: truesplit does not run experiments`);
  }
  if (['analysisrun', 'analysisruns', 'ar'].includes(word)) {
    throw new UsageError(
      `${verb} ${word}: ${verb} takes rollout; a Rollout's AnalysisRuns are listed under their revision by get rollout NAME`,
    );
  }
  throw new UsageError(`unknown resource "${word}": ${verb} takes rollout`);
}

export function exactlyOneName(names: readonly string[], usage: string): string {
  const [name, ...rest] = names;
  if (name === undefined) throw new UsageError(`missing rollout name: ${usage}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}: ${usage}`);
  return name;
}

export function atLeastOneName(names: readonly string[], usage: string): string[] {
  if (names.length === 0) throw new UsageError(`missing rollout name: ${usage}`);
  return [...names];
}
