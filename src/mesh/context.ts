import type { Service, VirtualService } from '../api/index.js';
import { objectRef } from '../api/index.js';
import { isPingPongService, pingPongServices } from '../api/ping-pong.js';
import { findVirtualService, routingOf, type VirtualServiceTarget } from '../traffic/istio/roles.js';
import { parseServiceFqdn, resolveHost, serviceFqdn } from './hosts.js';
import type { SnapshotIndex } from './index-snapshot.js';
import { countEndpoints, findService } from './index-snapshot.js';
import { selectingService } from './reach.js';
import type { FractionCache } from './routing.js';
import type { RolloutTrafficState } from './snapshot.js';
import type { EvaluatedPath, PathIssue, PathKind } from './types.js';

/** Everything about one Rollout that every path evaluation shares, computed once. */
export interface RolloutContext {
  index: SnapshotIndex;
  state: RolloutTrafficState;
  namespace: string;
  /** The VirtualServices the Rollout names, in order, that exist in the snapshot. */
  referenced: VirtualService[];
  /** The Service in-cluster callers dial: the DestinationRule host (subset-level) or the stable Service. */
  dialled: { fqdn: string; ref: string; service?: Service };
  /** No Service is named by the Rollout and none selects its pods: in-cluster callers have nothing to dial. */
  undialled: boolean;
  desired: number;
  tolerance: number;
  /** Rule 2.8: the split kube-proxy (or an unrouted sidecar) produces over the dialled Service. */
  ratio: EndpointRatio;
  fractions: FractionCache;
}

export interface EndpointRatio {
  share: number | null;
  canary: number;
  ready: number;
  issue?: PathIssue;
}

/** The VirtualServices the Rollout names (`routingOf`, the router's and validation's reading too). */
export function referencedVsRefs(state: RolloutTrafficState): VirtualServiceTarget[] {
  return routingOf(state.rollout)?.virtualServices ?? [];
}

function dialledFqdn(index: SnapshotIndex, state: RolloutTrafficState, referenced: VirtualService[]): string {
  const ns = state.rollout.metadata.namespace ?? 'default';
  const canary = state.rollout.spec.strategy.canary;
  const drName = canary?.trafficRouting?.istio?.destinationRule?.name;
  if (drName !== undefined) {
    const dr = index.snapshot.destinationRules.find(
      (d) => d.metadata.name === drName && (d.metadata.namespace ?? 'default') === ns,
    );
    if (dr) return resolveHost(dr.spec.host, ns);
    const firstVs = referenced[0];
    const host = firstVs?.spec.http?.[0]?.route?.[0]?.destination.host;
    if (firstVs && host) return resolveHost(host, firstVs.metadata.namespace ?? 'default');
  }
  const named = canary?.stableService ?? canary?.canaryService;
  if (named !== undefined) return serviceFqdn(named, ns);
  const selecting = selectingServiceName(index, state);
  // Ping-pong: callers dial a Service over all the pods (routed by the VirtualService), else the stable one of the pair.
  const stablePingPong = pingPongServices(state.rollout)?.stable;
  return serviceFqdn(selecting ?? stablePingPong ?? state.rollout.metadata.name, ns);
}

/**
 * The canary share callers should get: the weight; without a traffic router the weight is the canary's share of the
 * pods (Argo's basic canary), so every caller's pod-ratio split is what is asked, not a divergence.
 */
function desiredShare(state: RolloutTrafficState, ratio: EndpointRatio): number {
  const routed = state.rollout.spec.strategy.canary?.trafficRouting !== undefined;
  return routed || ratio.share === null ? state.canaryWeight / 100 : ratio.share;
}

/** Nothing names a Service (no canary/stable Service, no DestinationRule) and no Service selects the pods. */
function isUndialled(index: SnapshotIndex, state: RolloutTrafficState): boolean {
  const canary = state.rollout.spec.strategy.canary;
  const named =
    canary?.stableService ??
    canary?.canaryService ??
    canary?.pingPong ??
    canary?.trafficRouting?.istio?.destinationRule;
  return named === undefined && selectingServiceName(index, state) === undefined;
}

/** The name of the Service that selects the Rollout's pods (`selectingService`), in the snapshot. */
function selectingServiceName(index: SnapshotIndex, state: RolloutTrafficState): string | undefined {
  return selectingService(index.snapshot.services, state.rollout)?.metadata.name;
}

function endpointRatio(
  index: SnapshotIndex,
  state: RolloutTrafficState,
  fqdn: string,
  ref: string,
): EndpointRatio {
  const service = findService(index, fqdn);
  if (!service) {
    const issue: PathIssue = { code: 'no-ready-endpoints', objects: [ref], detail: `${ref} does not exist` };
    return { share: null, canary: 0, ready: 0, issue };
  }
  const count = countEndpoints(index, service, state);
  if (count.ready === 0) {
    const issue: PathIssue = {
      code: 'no-ready-endpoints',
      objects: [ref],
      detail: `${ref} selects no ready pod`,
    };
    return { share: null, canary: 0, ready: 0, issue };
  }
  return { share: count.canaryReady / count.ready, canary: count.canaryReady, ready: count.ready };
}

export function buildContext(
  index: SnapshotIndex,
  state: RolloutTrafficState,
  tolerance: number,
): RolloutContext {
  const namespace = state.rollout.metadata.namespace ?? 'default';
  const referenced: VirtualService[] = [];
  for (const target of referencedVsRefs(state)) {
    const vs = findVirtualService(index.snapshot.virtualServices, target);
    if (vs) referenced.push(vs);
  }
  const fqdn = dialledFqdn(index, state, referenced);
  const service = findService(index, fqdn);
  const parsed = parseServiceFqdn(fqdn);
  const missingRef = parsed ? `Service/${parsed.namespace}/${parsed.name}` : `Service/${namespace}/${fqdn}`;
  const ref = service ? objectRef(service) : missingRef;
  const dialled = service ? { fqdn, ref, service } : { fqdn, ref };
  const ratio = endpointRatio(index, state, fqdn, ref);
  return {
    index,
    state,
    namespace,
    referenced,
    dialled,
    undialled: isUndialled(index, state),
    desired: desiredShare(state, ratio),
    tolerance,
    ratio,
    fractions: new Map(),
  };
}

export function follows(ctx: RolloutContext, share: number | null, desired: number): boolean {
  return share !== null && Math.abs(share - desired) <= ctx.tolerance + 1e-9;
}

export function makePath(
  ctx: RolloutContext,
  base: { kind: PathKind; from: string; variant?: string },
  share: number | null,
  desired: number,
  issues: PathIssue[],
): EvaluatedPath {
  const codes = [...new Set(issues.map((i) => i.code))];
  const path = {
    ...base,
    canaryShare: share,
    desiredShare: desired,
    followsWeight: follows(ctx, share, desired),
  };
  return { path: { ...path, findings: codes }, issues };
}

/** Callers without L7 routing dial one of the ping-pong Services: they follow its role, not the weights. */
export function pingPongDialledIssue(ctx: RolloutContext): PathIssue | undefined {
  if (!isPingPongService(ctx.state.rollout, ctx.dialled.service?.metadata.name)) return undefined;
  return { code: 'ping-pong-dialled', objects: [objectRef(ctx.state.rollout), ctx.dialled.ref] };
}

/** A path with no L7 routing: the endpoint ratio of the dialled Service, plus the issues explaining why. */
export function ratioPath(
  ctx: RolloutContext,
  base: { kind: PathKind; from: string },
  issues: PathIssue[],
): EvaluatedPath {
  const pingPong = pingPongDialledIssue(ctx);
  const all = [...issues, ...(ctx.ratio.issue ? [ctx.ratio.issue] : []), ...(pingPong ? [pingPong] : [])];
  const evaluated = makePath(ctx, base, ctx.ratio.share, ctx.desired, all);
  evaluated.pods = { canary: ctx.ratio.canary, ready: ctx.ratio.ready };
  return evaluated;
}
