import type { HTTPRoute, Service, Sidecar, VirtualService } from '../api/index.js';
import { objectRef } from '../api/index.js';
import type { RolloutContext } from './context.js';
import {
  ANY_NAMESPACE,
  isExportedTo,
  istioRejects,
  matchHost,
  parseServiceFqdn,
  resolveHost,
  vsHostMatch,
} from './hosts.js';
import type { SnapshotIndex } from './index-snapshot.js';
import type { EvaluatedPath } from './types.js';

/**
 * Shapes where the path model cannot stand behind a share: checked against Istio's own config generation
 * (test/oracle, ADR 0040), each is reported as a `prediction-uncertain` finding and the path states no share.
 */

export const UNCERTAIN = 'prediction-uncertain' as const;

/** The path states no share; the finding says why and names the objects. */
export function markUncertain(evaluated: EvaluatedPath, objects: string[], reason: string): void {
  const { path } = evaluated;
  path.canaryShare = null;
  path.followsWeight = false;
  if (!path.findings.includes(UNCERTAIN)) path.findings.push(UNCERTAIN);
  if (!evaluated.issues.some((i) => i.code === UNCERTAIN)) {
    evaluated.issues.push({ code: UNCERTAIN, objects, detail: reason });
  }
  delete evaluated.pods;
}

export function isUncertain(path: { findings: readonly string[] }): boolean {
  return path.findings.includes(UNCERTAIN);
}

const sourceMemo = new WeakMap<VirtualService, boolean>();

/** Whether any HTTP route of the VirtualService matches on the caller (`sourceNamespace`, `sourceLabels`). */
export function usesSourceMatch(vs: VirtualService): boolean {
  let uses = sourceMemo.get(vs);
  if (uses === undefined) {
    uses = (vs.spec.http ?? []).some((r) =>
      (r.match ?? []).some((m) => m['sourceNamespace'] !== undefined || m['sourceLabels'] !== undefined),
    );
    sourceMemo.set(vs, uses);
  }
  return uses;
}

/** A default route that hands requests to a delegate VirtualService: the model does not merge delegates. */
export function delegated(route: HTTPRoute | undefined): string | undefined {
  const target = route?.['delegate'] as { name?: unknown; namespace?: unknown } | undefined;
  if (!target) return undefined;
  const ns = typeof target.namespace === 'string' ? `${target.namespace}/` : '';
  const name = typeof target.name === 'string' ? target.name : '';
  return `route '${route?.name ?? ''}' delegates to VirtualService ${ns}${name}`;
}

export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/** A Service's `networking.istio.io/exportTo` annotation hides it from the caller namespace (rule 2.3). */
export function serviceHiddenFrom(service: Service, callerNs: string): boolean {
  const value = service.metadata.annotations?.[EXPORT_TO_ANNOTATION];
  if (value === undefined || value.trim() === '') return false;
  const own = service.metadata.namespace ?? 'default';
  const entries = value.split(',').map((e) => e.trim());
  return !entries.some((e) => {
    if (e === '*') return true;
    if (callerNs === ANY_NAMESPACE) return false;
    return e === '.' ? own === callerNs : e === callerNs;
  });
}

/** Istio's protocol of a Service port: `appProtocol`, else the name prefix; no prefix = sniffed (HTTP here). */
function portProtocol(port: { name?: string; appProtocol?: string }): string {
  const named = port.appProtocol ?? port.name ?? '';
  return (named.split('-')[0] ?? '').toLowerCase();
}

const HTTP_PROTOCOLS = new Set(['', 'http', 'http2', 'grpc', 'grpc-web', 'h2c']);

function nonHttpPorts(service: Service | undefined): boolean {
  const ports = (service?.spec.ports ?? []) as { name?: string; appProtocol?: string }[];
  return ports.some((p) => !HTTP_PROTOCOLS.has(portProtocol(p)));
}

/**
 * Mesh paths through a VirtualService the model reads only partly: TCP/TLS (the model reads `http` routes), and
 * callers in a namespace with workload-scoped Sidecars (the model's paths are per namespace, not per workload).
 */
export function meshShapeUncertainty(
  ctx: RolloutContext,
  callerNs: string,
  useSidecar: boolean,
): Doubt | undefined {
  const routing = routingDoubt(ctx);
  if (routing || !useSidecar) return routing;
  const scoped = scopedSidecars(ctx.index, callerNs);
  if (scoped.length === 0) return undefined;
  return {
    reason: 'workload-scoped Sidecars shape some callers differently',
    objects: scoped.map(objectRef),
  };
}

interface Doubt {
  reason: string;
  objects: string[];
}

const routingMemo = new WeakMap<RolloutContext, Doubt | null>();

function routingDoubt(ctx: RolloutContext): Doubt | undefined {
  let doubt = routingMemo.get(ctx);
  if (doubt === undefined) {
    doubt = computeRoutingDoubt(ctx) ?? null;
    routingMemo.set(ctx, doubt);
  }
  return doubt ?? undefined;
}

function computeRoutingDoubt(ctx: RolloutContext): Doubt | undefined {
  const routed = meshVirtualServices(ctx);
  if (routed.length === 0) return undefined;
  const l4 = routed.filter((vs) => (vs.spec.tcp ?? []).length > 0 || (vs.spec.tls ?? []).length > 0);
  if (l4.length > 0)
    return { reason: 'the VirtualService has TCP or TLS routes', objects: l4.map(objectRef) };
  if (nonHttpPorts(ctx.dialled.service)) {
    return { reason: 'the Service has a TCP or TLS port', objects: [ctx.dialled.ref] };
  }
  return undefined;
}

const scopedMemo = new WeakMap<SnapshotIndex, Map<string, Sidecar[]>>();

/** Workload-scoped Sidecars by namespace (`*` lists them all, for the generic path). */
function scopedSidecars(index: SnapshotIndex, callerNs: string): Sidecar[] {
  let byNs = scopedMemo.get(index);
  if (!byNs) {
    byNs = new Map();
    for (const sc of index.snapshot.sidecars) {
      if (sc.spec.workloadSelector === undefined) continue;
      for (const key of [sc.metadata.namespace ?? 'default', ANY_NAMESPACE]) {
        byNs.set(key, [...(byNs.get(key) ?? []), sc]);
      }
    }
    scopedMemo.set(index, byNs);
  }
  return byNs.get(callerNs) ?? [];
}

function meshVirtualServices(ctx: RolloutContext): VirtualService[] {
  const exact = ctx.index.meshVsByHost.get(ctx.dialled.fqdn) ?? [];
  if (exact.length > 0) return exact;
  return ctx.index.meshVsWildcard.filter((vs) => vsHostMatch(vs, ctx.dialled.fqdn) !== undefined);
}

/**
 * Mesh VirtualServices visible to the caller that claim another name of the dialled Service (`web.app`,
 * `web.app.svc`) but not its FQDN: Istio gives that name its own virtual host, so callers who dial it are routed
 * by them and callers who dial the FQDN are not.
 */
export function aliasVirtualServices(ctx: RolloutContext, callerNs: string): VirtualService[] {
  const parsed = parseServiceFqdn(ctx.dialled.fqdn);
  const own = parsed !== undefined && callerNs === parsed.namespace;
  const candidates = aliasCandidates(ctx)[own ? 'own' : 'other'];
  if (candidates.length === 0) return candidates;
  return candidates.filter((vs) =>
    isExportedTo(vs.spec.exportTo, vs.metadata.namespace ?? 'default', callerNs),
  );
}

const aliasMemo = new WeakMap<RolloutContext, { own: VirtualService[]; other: VirtualService[] }>();

/** Alias VirtualServices for callers in the Service's namespace (`own`, who may dial the short name) and others. */
function aliasCandidates(ctx: RolloutContext): { own: VirtualService[]; other: VirtualService[] } {
  const cached = aliasMemo.get(ctx);
  if (cached) return cached;
  const fqdn = ctx.dialled.fqdn;
  const parsed = parseServiceFqdn(fqdn);
  const pick = (names: string[]) => {
    const found = new Set<VirtualService>();
    for (const name of names) {
      for (const vs of [...(ctx.index.meshVsByHost.get(name) ?? []), ...ctx.index.meshVsWildcard]) {
        const ns = vs.metadata.namespace ?? 'default';
        const hosts = (vs.spec.hosts ?? []).map((h) => resolveHost(h, ns));
        if (istioRejects(vs) || hosts.some((h) => matchHost(h, fqdn) !== undefined)) continue;
        if (hosts.some((h) => h !== '*' && matchHost(h, name) !== undefined)) found.add(vs);
      }
    }
    return [...found];
  };
  const dotted = parsed
    ? [`${parsed.name}.${parsed.namespace}`, `${parsed.name}.${parsed.namespace}.svc`]
    : [];
  const computed = { other: pick(dotted), own: pick(parsed ? [...dotted, parsed.name] : []) };
  aliasMemo.set(ctx, computed);
  return computed;
}
