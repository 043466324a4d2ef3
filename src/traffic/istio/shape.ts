import type { VirtualService } from '../../api/istio.js';
import type { RouterError } from '../router.js';
import { invalidRoute, messages } from './errors.js';

/**
 * VirtualServices come from the cluster as untyped JSON. Before any transform, check that the parts truesplit walks
 * (routes, their destination lists, each destination) have the shape the Istio types promise; otherwise name the
 * field. Messages follow Argo's "Invalid casting" wording.
 */

export const ROUTE_KINDS = ['http', 'tls', 'tcp'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkVirtualServiceShape(vs: VirtualService, objectRef: string): RouterError | undefined {
  if (!isRecord(vs.spec))
    return invalidRoute(objectRef, messages.invalidCasting('spec', 'map[string]interface'), 'spec');
  for (const kind of ROUTE_KINDS) {
    const error = checkRouteList(vs.spec[kind], kind, objectRef);
    if (error) return error;
  }
  return undefined;
}

function checkRouteList(routes: unknown, kind: RouteKind, objectRef: string): RouterError | undefined {
  if (routes === undefined || routes === null) return undefined;
  if (!Array.isArray(routes)) {
    return invalidRoute(objectRef, messages.invalidCasting(kind, '[]interface'), `spec.${kind}`);
  }
  for (const [i, route] of (routes as unknown[]).entries()) {
    const error = checkRoute(route, kind, `spec.${kind}[${i}]`, objectRef);
    if (error) return error;
  }
  return undefined;
}

function checkRoute(
  route: unknown,
  kind: RouteKind,
  path: string,
  objectRef: string,
): RouterError | undefined {
  if (!isRecord(route))
    return invalidRoute(objectRef, messages.invalidCasting(`${kind}[]`, 'map[string]interface'), path);
  const destinations = route['route'];
  if (destinations === undefined) return undefined;
  if (!Array.isArray(destinations)) {
    return invalidRoute(
      objectRef,
      messages.invalidCasting(`${kind}[].route`, '[]interface'),
      `${path}.route`,
    );
  }
  for (const [j, entry] of (destinations as unknown[]).entries()) {
    if (!isRecord(entry) || !isRecord(entry['destination'])) {
      const field = `${path}.route[${j}].destination`;
      return invalidRoute(
        objectRef,
        messages.invalidCasting(`${kind}[].route[].destination`, 'map[string]interface'),
        field,
      );
    }
    const weight = entry['weight'];
    if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight))) {
      return invalidRoute(
        objectRef,
        messages.invalidCasting(`${kind}[].route[].weight`, 'int'),
        `${path}.route[${j}].weight`,
      );
    }
  }
  return undefined;
}
