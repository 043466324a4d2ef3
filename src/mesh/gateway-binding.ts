/**
 * Whether the Gateway a VirtualService binds exists. Istio builds a gateway proxy's listeners from Gateway objects and
 * attaches a VirtualService's routes only to the servers of the Gateways it names: a VirtualService bound to
 * `ns/name` with no such Gateway gives no proxy a route (`istioctl analyze` reports IST0101
 * ReferencedResourceNotFound). When Gateways could not be listed, whether it exists is unknown (ADR 0256).
 */
import type { VirtualService } from '../api/index.js';
import { objectRef } from '../api/index.js';
import type { RolloutContext } from './context.js';
import { makePath } from './context.js';
import type { SnapshotIndex } from './index-snapshot.js';
import type { EvaluatedPath, PathKind } from './types.js';
import { markUncertain } from './uncertain.js';

export const GATEWAY_KIND = 'Gateway';

/** `present`; `missing` (Gateways were listed, this one is not among them); `unknown` (they could not be listed). */
export function gatewayStanding(index: SnapshotIndex, gateway: string): 'present' | 'missing' | 'unknown' {
  if (index.gateways.has(gateway)) return 'present';
  return index.snapshot.unlistedKinds?.includes(GATEWAY_KIND) ? 'unknown' : 'missing';
}

const gatewayRef = (gateway: string) => `${GATEWAY_KIND}/${gateway}`;

/** The gateway path through a Gateway that does not exist: no listener, so no route and no share. */
export function missingGatewayPath(
  ctx: RolloutContext,
  base: { kind: PathKind; from: string },
  vs: VirtualService,
  gateway: string,
): EvaluatedPath {
  const objects = [objectRef(vs), gatewayRef(gateway)];
  return makePath(ctx, base, null, ctx.desired, [{ code: 'gateway-missing', objects }]);
}

/** Gateways could not be listed: the routed share holds only if the Gateway exists, which nobody saw. */
export function markGatewayUnknown(
  paths: EvaluatedPath[],
  vs: VirtualService,
  gateway: string,
): EvaluatedPath[] {
  const reason = `Gateways could not be listed (crd-missing or rbac-forbidden), so whether ${gatewayRef(gateway)} exists is unknown`;
  for (const path of paths) markUncertain(path, [objectRef(vs), gatewayRef(gateway)], reason);
  return paths;
}
