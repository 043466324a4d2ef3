import type { RouterError } from '../router.js';

/**
 * Error values of the Istio router. Messages that Argo Rollouts also produces are Argo's exact text: users grep
 * for them and runbooks quote them.
 */

export function virtualServiceNotFound(object: string, name: string): RouterError {
  return { reason: 'VirtualServiceNotFound', object, message: `VirtualService \`${name}\` not found` };
}

export function destinationRuleNotFound(object: string, name: string): RouterError {
  return { reason: 'DestinationRuleNotFound', object, message: `DestinationRule \`${name}\` not found` };
}

export function invalidRoute(object: string, message: string, field?: string): RouterError {
  return field === undefined
    ? { reason: 'InvalidRoute', object, message }
    : { reason: 'InvalidRoute', object, message, field };
}

export const messages = {
  httpRouteNotFound: (name: string) => `HTTP Route '${name}' is not found in the defined Virtual Service.`,
  noTlsRoutes: 'No matching TLS routes found in the defined Virtual Service.',
  noTcpRoutes: 'No matching TCP routes found in the defined Virtual Service.',
  ambiguousHttp:
    'spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes',
  ambiguousTls:
    'spec.tls[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tlsRoutes',
  ambiguousTcp:
    'spec.tcp[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes',
  canaryServiceMissing: (svc: string) => `Canary Service '${svc}' not found in route`,
  stableServiceMissing: (svc: string) => `Stable Service '${svc}' not found in route`,
  canarySubsetMissing: (subset: string) => `Canary DestinationRule subset '${subset}' not found in route`,
  stableSubsetMissing: (subset: string) => `Stable DestinationRule subset '${subset}' not found in route`,
  invalidCasting: (field: string, type: string) =>
    `Invalid casting: field '${field}' is not of type '${type}'`,
  httpRoutesNotList: 'failed to get http routes from virtual service',
  splitManagedRoutes: 'failed to split managed and non-managed routes',
  delayHashSwitch: (replicaSet: string) =>
    `delaying destination rule switch: ReplicaSet ${replicaSet} not fully available`,
  subsetNotInDestinationRule: (role: string, subset: string, dr: string) =>
    `${role} subset '${subset}' is not defined in DestinationRule '${dr}'`,
  weightOutOfRange: (weight: number) => `canary weight ${weight} is outside 0..100`,
  weightsOverflow: (canary: number, kept: number) =>
    `canary weight ${canary} plus fixed weights ${kept} (experiment and additional subsets) exceed 100`,
  weightsDoNotSum: (sum: number) => `route weights would sum to ${sum}, not 100`,
} as const;
