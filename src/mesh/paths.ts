import type { RolloutContext } from './context.js';
import { buildContext } from './context.js';
import { ANY_NAMESPACE, MESH_GATEWAY, vsGateways } from './hosts.js';
import type { SnapshotIndex } from './index-snapshot.js';
import { indexSnapshot } from './index-snapshot.js';
import { ambientPaths, gatewayPaths, meshPaths, PINNED_TO_STABLE, plainPath } from './path-eval.js';
import type { MeshSnapshot, RolloutTrafficState } from './snapshot.js';
import { isSystemNamespace, namespaceDataplane } from './snapshot.js';
import type { EvaluatedPath, FindingCode, PathIssue, PathKind, Severity } from './types.js';

export interface PathOptions {
  /** Largest |effective − desired| share (fraction) still counted as following the weight. Default 0. */
  tolerance?: number;
}

/** Caller namespaces by dataplane, sorted: declared callers, else the snapshot's namespaces. */
export interface CallerSets {
  mesh: string[];
  plain: string[];
  ambient: string[];
}

const callerMemo = new WeakMap<SnapshotIndex, CallerSets>();

export function callerSets(index: SnapshotIndex): CallerSets {
  const cached = callerMemo.get(index);
  if (cached) return cached;
  const computed = deriveCallers(index);
  callerMemo.set(index, computed);
  return computed;
}

function deriveCallers(index: SnapshotIndex): CallerSets {
  const sets = { mesh: new Set<string>(), plain: new Set<string>(), ambient: new Set<string>() };
  const declared = index.snapshot.callers;
  if (declared) {
    for (const c of declared) {
      (c.injected ? sets.mesh : c.ambient ? sets.ambient : sets.plain).add(c.namespace);
    }
  } else {
    for (const ns of index.snapshot.namespaces) {
      if (isSystemNamespace(ns.name, index.rootNs)) continue;
      const mode = namespaceDataplane(ns.labels);
      (mode === 'sidecar' ? sets.mesh : mode === 'ambient' ? sets.ambient : sets.plain).add(ns.name);
    }
    const sidecarless = [
      ...index.snapshot.endpoints.filter((group) => !group.sidecar).map((group) => group.namespace),
      ...(index.snapshot.sidecarlessPodNamespaces ?? []),
    ];
    for (const ns of sidecarless) if (sets.mesh.has(ns)) sets.plain.add(ns);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { mesh: sorted(sets.mesh), plain: sorted(sets.plain), ambient: sorted(sets.ambient) };
}

/** Gateways (`ns/name`) bound by the Rollout's VirtualServices, in first-seen order. */
export function boundGateways(ctx: RolloutContext): string[] {
  const seen = new Set<string>();
  for (const vs of ctx.referenced) for (const g of vsGateways(vs)) if (g !== MESH_GATEWAY) seen.add(g);
  return [...seen];
}

/** Every path of §1 for one Rollout, each with its share and the issues that explain it. */
export function evaluatePaths(
  snapshot: MeshSnapshot,
  state: RolloutTrafficState,
  options: PathOptions = {},
): EvaluatedPath[] {
  return evaluateInContext(buildContext(indexSnapshot(snapshot), state, options.tolerance ?? 0));
}

export function evaluateInContext(ctx: RolloutContext): EvaluatedPath[] {
  const callers = callerSets(ctx.index);
  const paths: EvaluatedPath[] = [];
  for (const gateway of boundGateways(ctx)) paths.push(...gatewayPaths(ctx, gateway));
  // No Service to dial (none in the input): no in-cluster path, rather than one to a Service named after the Rollout.
  if (ctx.undialled) return paths;
  for (const ns of [...callers.mesh, ANY_NAMESPACE])
    paths.push(...meshPaths(ctx, { kind: 'mesh', from: ns }, true));
  for (const ns of [...callers.plain, ANY_NAMESPACE]) paths.push(plainPath(ctx, ns));
  for (const ns of callers.ambient) paths.push(...ambientPaths(ctx, ns));
  return paths;
}

const DOWNGRADE: Record<Severity, Severity> = { error: 'warning', warning: 'info', info: 'info' };

/**
 * §3 severities: `error` when a path that should follow the weights (gateway, mesh, ambient) diverges or fails,
 * and whenever a path fails outright; `warning` when a plain path (weights ignored by design) diverges; `info`
 * otherwise. Generic `*` paths stand for callers nobody declared: one level lower.
 */
export function issueSeverity(issue: PathIssue, evaluated: EvaluatedPath): Severity {
  const { path } = evaluated;
  if (issue.detail === PINNED_TO_STABLE) return 'info';
  const base = baseSeverity(issue.code, path.kind, path.canaryShare === null, !path.followsWeight);
  return path.from === ANY_NAMESPACE ? DOWNGRADE[base] : base;
}

const ALWAYS_ERROR = new Set<FindingCode>([
  'strict-mtls-plain',
  'no-ready-endpoints',
  'subset-missing',
  'ping-pong-dialled',
]);

function baseSeverity(code: FindingCode, kind: PathKind, failed: boolean, diverges: boolean): Severity {
  if (code === 'ambient-waypoint-alpha') return 'info';
  if (code === 'prediction-uncertain') return 'warning';
  if (ALWAYS_ERROR.has(code) || failed) return 'error';
  if (kind === 'plain') return diverges ? 'warning' : 'info';
  return diverges ? 'error' : 'info';
}
