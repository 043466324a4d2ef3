import type { DestinationRule, VirtualService } from '../../api/istio.js';
import type { Rollout } from '../../api/rollout.js';
import type { RouterError } from '../router.js';
import { destinationRuleNotFound, messages, virtualServiceNotFound } from './errors.js';
import { findDestinationRule, findVirtualService, routingOf } from './roles.js';
import { selectRoutes } from './route-selection.js';
import { isRouterError, virtualServiceContext } from './virtual-service.js';

export interface IstioValidationInput {
  rollout: Rollout;
  virtualServices: readonly VirtualService[];
  destinationRule?: DestinationRule;
}

/**
 * The Istio checks behind `InvalidSpec` and `truesplit lint`: every referenced VirtualService exists, its routes
 * resolve (named HTTP routes, TLS port+SNI, TCP port, unambiguous omitted selectors), each selected route has a
 * canary and a stable destination, and in subset mode the DestinationRule exists and defines the subsets.
 * Returns every problem found (empty = valid).
 */
export function validateIstioTrafficRouting(input: IstioValidationInput): RouterError[] {
  return [...validateVirtualServices(input), ...validateDestinationRule(input)];
}

function validateVirtualServices({ rollout, virtualServices }: IstioValidationInput): RouterError[] {
  const errors: RouterError[] = [];
  for (const target of routingOf(rollout)?.virtualServices ?? []) {
    const { ref } = target;
    const vs = findVirtualService(virtualServices, target);
    if (!vs) {
      errors.push(virtualServiceNotFound(target.objectRef, target.name));
      continue;
    }
    const ctx = virtualServiceContext(vs, rollout);
    if (isRouterError(ctx)) {
      errors.push(ctx);
      continue;
    }
    const selected = selectRoutes(vs, ref, ctx.roles, ctx.managed, ctx.objectRef);
    if (isRouterError(selected)) errors.push(selected);
  }
  return errors;
}

function validateDestinationRule({ rollout, destinationRule }: IstioValidationInput): RouterError[] {
  const target = routingOf(rollout)?.destinationRule;
  if (!target) return [];
  const { ref, objectRef: object } = target;
  const dr = findDestinationRule(rollout, destinationRule);
  if (!dr) return [destinationRuleNotFound(object, ref.name)];
  const defined = new Set((dr.spec.subsets ?? []).map((s) => s.name));
  const wanted: [string, string][] = [
    ['Canary', ref.canarySubsetName],
    ['Stable', ref.stableSubsetName],
    ...(ref.additionalSubsetNames ?? []).map((name): [string, string] => ['Additional', name]),
  ];
  return wanted
    .filter(([, name]) => !defined.has(name))
    .map(([role, name]) => ({
      reason: 'SubsetNotFound' as const,
      object,
      message: messages.subsetNotInDestinationRule(role, name, ref.name),
      field: 'spec.subsets',
    }));
}
