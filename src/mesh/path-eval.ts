import type { Sidecar, VirtualService } from '../api/index.js';
import { objectRef } from '../api/index.js';
import type { RolloutContext } from './context.js';
import { makePath, pingPongDialledIssue, ratioPath } from './context.js';
import {
  isExportedTo,
  isMeshBound,
  istioRejection,
  istioRejects,
  MESH_GATEWAY,
  MESH_WILDCARD,
  resolveHost,
  sidecarImports,
  vsGateways,
  vsHostMatch,
} from './hosts.js';
import { gatewayStanding, markGatewayUnknown, missingGatewayPath } from './gateway-binding.js';
import { callerSidecar, destinationRuleClass, effectiveMtls } from './index-snapshot.js';
import { chooseRoutes, routeShare } from './routing.js';
import {
  aliasVirtualServices,
  delegated,
  markUncertain,
  meshShapeUncertainty,
  serviceHiddenFrom,
  usesSourceMatch,
} from './uncertain.js';
import { USE_WAYPOINT_LABEL } from './snapshot.js';
import type { EvaluatedPath, PathIssue, PathKind } from './types.js';

interface PathBase {
  kind: PathKind;
  from: string;
}

const nsOf = (obj: { metadata: { namespace?: string } }) => obj.metadata.namespace ?? 'default';

/** Rules 2.5–2.7 through one VirtualService: the default requests plus one variant per earlier matching route. */
export function routedPaths(
  ctx: RolloutContext,
  base: PathBase,
  vs: VirtualService,
  source: string,
  callerNs: string,
  extra: PathIssue[],
): EvaluatedPath[] {
  const { outcomes, hasDefault, uncertain } = routeOutcomes(ctx, vs, source, callerNs);
  const paths: EvaluatedPath[] = [];
  if (!hasDefault) {
    const issue: PathIssue = { code: 'no-default-route', objects: [objectRef(vs)] };
    paths.push(makePath(ctx, base, null, ctx.desired, [...extra, issue]));
  }
  for (const outcome of outcomes) {
    const issues = [...extra, ...outcome.failures];
    const variantBase = outcome.variant === undefined ? base : { ...base, variant: outcome.variant };
    const desired = outcome.variant === undefined ? ctx.desired : outcome.intended;
    paths.push(makePath(ctx, variantBase, outcome.share, desired, issues));
  }
  if (uncertain) for (const p of paths) markUncertain(p, [objectRef(vs)], uncertain);
  return paths;
}

interface RouteOutcome {
  variant?: string;
  share: number | null;
  intended: number;
  failures: PathIssue[];
}

interface RouteOutcomes {
  outcomes: RouteOutcome[];
  hasDefault: boolean;
  uncertain?: string;
}

const outcomeMemo = new WeakMap<RolloutContext, Map<string, RouteOutcomes>>();

const hostsMemo = new WeakMap<VirtualService, string[]>();

function destinationHosts(vs: VirtualService): string[] {
  let hosts = hostsMemo.get(vs);
  if (!hosts) {
    const ns = nsOf(vs);
    const all = (vs.spec.http ?? []).flatMap((r) =>
      (r.route ?? []).map((d) => resolveHost(d.destination.host, ns)),
    );
    hosts = [...new Set(all)];
    hostsMemo.set(vs, hosts);
  }
  return hosts;
}

/** Shares of each route choice; memoised per VirtualService, source and DestinationRule resolution class. */
function routeOutcomes(
  ctx: RolloutContext,
  vs: VirtualService,
  source: string,
  callerNs: string,
): RouteOutcomes {
  const memo = outcomeMemo.get(ctx) ?? new Map<string, RouteOutcomes>();
  outcomeMemo.set(ctx, memo);
  const callerPart = usesSourceMatch(vs) ? `|${callerNs}` : '';
  const key = `${objectRef(vs)}|${source}|${destinationRuleClass(ctx.index, destinationHosts(vs), callerNs)}${callerPart}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const { choices, hasDefault, uncertain } = chooseRoutes(vs, source, callerNs);
  const outcomes = choices.map((choice) => {
    const result = routeShare(ctx.index, ctx.state, vs, choice.route, callerNs, ctx.fractions);
    const failures = result.failures.map((f) => ({ code: f.code, objects: f.objects, detail: f.detail }));
    const outcome: RouteOutcome = { share: result.share, intended: result.intended, failures };
    if (choice.variant !== undefined) outcome.variant = choice.variant;
    return outcome;
  });
  const computed: RouteOutcomes = { outcomes, hasDefault };
  const why = uncertain ?? (hasDefault ? delegated(choices[0]?.route) : undefined);
  if (why) computed.uncertain = why;
  memo.set(key, computed);
  return computed;
}

/**
 * One gateway path: the first referenced VirtualService bound to the gateway that Istio accepts decides. One that
 * Istio's validation rejects (`*` on a mesh-bound VirtualService) gives the gateway no route: requests get 404. A
 * Gateway that does not exist serves no route at all (`gateway-binding.ts`).
 */
export function gatewayPaths(ctx: RolloutContext, gateway: string): EvaluatedPath[] {
  const bound = ctx.referenced.filter((v) => vsGateways(v).includes(gateway));
  const vs = bound.find((v) => !istioRejects(v));
  const base = { kind: 'gateway' as const, from: gateway };
  if (vs) {
    const standing = gatewayStanding(ctx.index, gateway);
    if (standing === 'missing') return [missingGatewayPath(ctx, base, vs, gateway)];
    const paths = routedPaths(ctx, base, vs, gateway, nsOf(vs), []);
    return standing === 'unknown' ? markGatewayUnknown(paths, vs, gateway) : paths;
  }
  const rejected = bound[0];
  if (!rejected) return [];
  return [makePath(ctx, base, null, ctx.desired, [rejectionIssue(rejected)])];
}

/** The finding for a VirtualService Istio rejects: callers get no route from it. */
function rejectionIssue(vs: VirtualService): PathIssue {
  const objects = [objectRef(vs)];
  const reason = istioRejection(vs);
  if (reason === MESH_WILDCARD) return { code: 'mesh-wildcard', objects };
  const detail = `${objects[0]}: ${reason ?? ''}, so Istio rejects it and its routes apply nowhere`;
  return { code: 'no-default-route', objects, detail };
}

/** Mesh-bound VirtualServices a caller sees for the dialled host (rule 2.2–2.4): exact hosts beat wildcards. */
function meshCandidates(
  ctx: RolloutContext,
  callerNs: string,
  sidecar: Sidecar | undefined,
): VirtualService[] {
  const fqdn = ctx.dialled.fqdn;
  const visible = (vs: VirtualService) =>
    !istioRejects(vs) &&
    isExportedTo(vs.spec.exportTo, nsOf(vs), callerNs) &&
    (!sidecar || sidecarImports(sidecar, callerNs, nsOf(vs), fqdn));
  const exact = (ctx.index.meshVsByHost.get(fqdn) ?? []).filter(visible);
  if (exact.length > 0) return [...new Set(exact)];
  return ctx.index.meshVsWildcard.filter((vs) => vsHostMatch(vs, fqdn) === 'wildcard' && visible(vs));
}

/** Why none of the Rollout's VirtualServices applies to a mesh caller: one issue per VirtualService. */
function unboundReasons(ctx: RolloutContext, callerNs: string, sidecar: Sidecar | undefined): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const vs of ctx.referenced) {
    const objects = [objectRef(vs)];
    if (istioRejects(vs)) issues.push(rejectionIssue(vs));
    else if (!isMeshBound(vs)) issues.push({ code: 'mesh-binding', objects });
    else if (!vsHostMatch(vs, ctx.dialled.fqdn)) issues.push({ code: 'mesh-host', objects });
    else if (!isExportedTo(vs.spec.exportTo, nsOf(vs), callerNs)) issues.push({ code: 'export-to', objects });
    else if (sidecar && !sidecarImports(sidecar, callerNs, nsOf(vs), ctx.dialled.fqdn)) {
      issues.push({ code: 'sidecar-egress', objects: [objectRef(sidecar), ...objects] });
    }
  }
  return issues;
}

/** A caller whose proxy does L7 routing (sidecar, or ambient through a waypoint). */
export function meshPaths(ctx: RolloutContext, base: PathBase, useSidecar: boolean, extra: PathIssue[] = []) {
  const callerNs = base.from;
  const sidecar = useSidecar ? callerSidecar(ctx.index, callerNs) : undefined;
  const targetNs = ctx.dialled.service ? nsOf(ctx.dialled.service) : ctx.namespace;
  if (ctx.dialled.service && serviceHiddenFrom(ctx.dialled.service, callerNs)) {
    const issue: PathIssue = { code: 'export-to', objects: [ctx.dialled.ref] };
    return [ratioPath(ctx, base, [...extra, issue])];
  }
  const paths = meshRoutedPaths(ctx, base, sidecar, targetNs, extra);
  const routed = paths.some((p) => p.pods === undefined);
  const doubt = routed ? meshShapeUncertainty(ctx, callerNs, useSidecar) : undefined;
  if (doubt) for (const p of paths) markUncertain(p, doubt.objects, doubt.reason);
  markNameDependent(ctx, base, paths);
  return paths;
}

/**
 * A VirtualService that claims another name of the Service (`web.app`) routes only callers who dial that name: when
 * its share differs from the path's, the share depends on the name dialled, which the model cannot know.
 */
function markNameDependent(ctx: RolloutContext, base: PathBase, paths: EvaluatedPath[]): void {
  const current = paths.find((p) => p.path.variant === undefined)?.path.canaryShare ?? null;
  const differing = aliasVirtualServices(ctx, base.from).filter((vs) => {
    const other = routedPaths(ctx, base, vs, MESH_GATEWAY, base.from, []).find(
      (p) => p.path.variant === undefined,
    );
    return other === undefined || other.path.canaryShare === null || other.path.canaryShare !== current;
  });
  if (differing.length === 0) return;
  const names = differing.flatMap((vs) => vs.spec.hosts ?? []).join(', ');
  const reason = `callers dialling ${names} are routed by another VirtualService than callers dialling ${ctx.dialled.fqdn}`;
  for (const p of paths) markUncertain(p, differing.map(objectRef), reason);
}

function meshRoutedPaths(
  ctx: RolloutContext,
  base: PathBase,
  sidecar: Sidecar | undefined,
  targetNs: string,
  extra: PathIssue[],
): EvaluatedPath[] {
  const callerNs = base.from;
  if (sidecar && !sidecarImports(sidecar, callerNs, targetNs, ctx.dialled.fqdn)) {
    const issue: PathIssue = { code: 'sidecar-egress', objects: [objectRef(sidecar), ctx.dialled.ref] };
    return [ratioPath(ctx, base, [...extra, issue])];
  }
  const candidates = meshCandidates(ctx, callerNs, sidecar);
  const chosen = candidates.find((vs) => ctx.referenced.includes(vs)) ?? candidates[0];
  if (!chosen) return [ratioPath(ctx, base, [...extra, ...unboundReasons(ctx, callerNs, sidecar)])];
  const issues = [...extra];
  if (!ctx.referenced.includes(chosen)) issues.push(...unboundReasons(ctx, callerNs, sidecar));
  if (candidates.length > 1) issues.push({ code: 'mesh-conflict', objects: candidates.map(objectRef) });
  const paths = routedPaths(ctx, base, chosen, MESH_GATEWAY, callerNs, issues);
  if (candidates.length > 1 && !sameDefaultShare(ctx, candidates, base, callerNs)) {
    const reason = 'several mesh VirtualServices with different shares claim the host';
    for (const p of paths)
      if (p.path.variant === undefined) markUncertain(p, candidates.map(objectRef), reason);
  }
  return paths;
}

function sameDefaultShare(
  ctx: RolloutContext,
  list: VirtualService[],
  base: PathBase,
  callerNs: string,
): boolean {
  const shares = list.map((vs) => {
    const def = routedPaths(ctx, base, vs, MESH_GATEWAY, callerNs, []).find(
      (p) => p.path.variant === undefined,
    );
    return def?.path.canaryShare ?? null;
  });
  return shares.every((s) => s !== null && s === shares[0]);
}

/** Rule 2.9 then 2.8: kube-proxy balancing, unless STRICT mTLS on the destination rejects plaintext. */
export function plainPath(ctx: RolloutContext, from: string): EvaluatedPath {
  const base = { kind: 'plain' as const, from };
  const strict = strictPolicies(ctx);
  if (strict.length > 0) {
    const issue: PathIssue = { code: 'strict-mtls-plain', objects: [...strict, ctx.dialled.ref] };
    return makePath(ctx, base, null, ctx.desired, [issue]);
  }
  const evaluated = ratioPath(ctx, base, []);
  if (pingPongDialledIssue(ctx)) return evaluated;
  if (!evaluated.path.followsWeight && evaluated.path.canaryShare !== null) {
    const issue: PathIssue = {
      code: 'plain-callers',
      objects: [objectRef(ctx.state.rollout), ctx.dialled.ref],
    };
    if (pinnedToStable(ctx)) issue.detail = PINNED_TO_STABLE;
    evaluated.issues.push(issue);
    evaluated.path.findings.push('plain-callers');
  }
  return evaluated;
}

export const PINNED_TO_STABLE = 'pinned-to-stable';

/** Host-level routing: callers without L7 routing dial the stable Service and stay on stable by design. */
function pinnedToStable(ctx: RolloutContext): boolean {
  const canary = ctx.state.rollout.spec.strategy.canary;
  const stable = canary?.stableService;
  const service = ctx.dialled.service;
  return stable !== undefined && service?.metadata.name === stable && ctx.ratio.canary === 0;
}

const strictMemo = new WeakMap<RolloutContext, string[]>();

function strictPolicies(ctx: RolloutContext): string[] {
  const cached = strictMemo.get(ctx);
  if (cached) return cached;
  const computed = computeStrictPolicies(ctx);
  strictMemo.set(ctx, computed);
  return computed;
}

function computeStrictPolicies(ctx: RolloutContext): string[] {
  const service = ctx.dialled.service;
  if (!service) return [];
  const refs = new Set<string>();
  const selector = service.spec.selector ?? {};
  for (const group of ctx.index.groupsByNs.get(nsOf(service)) ?? []) {
    if (group.ready === 0 || Object.keys(selector).some((k) => group.labels[k] !== selector[k])) continue;
    const { mode, policy } = effectiveMtls(ctx.index, group);
    if (mode === 'STRICT' && policy) refs.add(objectRef(policy));
  }
  return [...refs];
}

/** Ambient callers: L4 endpoint ratio unless the Service (or its namespace) names a waypoint. */
export function ambientPaths(ctx: RolloutContext, from: string): EvaluatedPath[] {
  const base = { kind: 'ambient' as const, from };
  const service = ctx.dialled.service;
  const svcNs = service ? nsOf(service) : ctx.namespace;
  const waypoint =
    service?.metadata.labels?.[USE_WAYPOINT_LABEL] ??
    ctx.index.namespaces.get(svcNs)?.labels[USE_WAYPOINT_LABEL];
  if (waypoint === undefined || waypoint === 'none') {
    const issue: PathIssue = {
      code: 'ambient-no-waypoint',
      objects: [ctx.dialled.ref, `Namespace/${svcNs}`],
    };
    return [ratioPath(ctx, base, [issue])];
  }
  const alpha: PathIssue = { code: 'ambient-waypoint-alpha', objects: [ctx.dialled.ref], detail: waypoint };
  return meshPaths(ctx, base, false, [alpha]);
}
