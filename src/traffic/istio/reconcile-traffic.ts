import type { DestinationRule, VirtualService } from '../../api/istio.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.js';
import type { Rollout } from '../../api/rollout.js';
import type { TrafficIntent } from '../../rollout/intent.js';
import type {
  RouterError,
  RouterEvent,
  RouterResult,
  TrafficPlan,
  TrafficRouterInput,
  TrafficWrite,
} from '../router.js';
import { updateHashes } from './destination-rule.js';
import { destinationRuleNotFound, messages, virtualServiceNotFound } from './errors.js';
import { applyTrafficIntent } from './operations.js';
import {
  destinationRole,
  findDestinationRule,
  findVirtualService,
  routingOf,
  routingRoles,
} from './roles.js';
import { selectRoutes } from './route-selection.js';
import { isRouterError, virtualServiceContext } from './virtual-service.js';
import { weightOf } from './weights.js';

export type TrafficPlanInput = TrafficRouterInput;

interface Found {
  virtualServices: VirtualService[];
  destinationRule?: DestinationRule;
}

function lookUp(input: TrafficPlanInput): { found: Found; errors: RouterError[]; events: RouterEvent[] } {
  const { rollout } = input;
  const routing = routingOf(rollout);
  const errors: RouterError[] = [];
  const events: RouterEvent[] = [];
  const virtualServices: VirtualService[] = [];
  for (const target of routing?.virtualServices ?? []) {
    const vs = findVirtualService(input.virtualServices, target);
    if (vs) virtualServices.push(vs);
    else errors.push(virtualServiceNotFound(target.objectRef, target.name));
  }
  const drTarget = routing?.destinationRule;
  const destinationRule = findDestinationRule(rollout, input.destinationRule);
  if (drTarget && !destinationRule) errors.push(destinationRuleNotFound(drTarget.objectRef, drTarget.name));
  for (const error of errors) events.push({ type: 'Warning', reason: error.reason, message: error.message });
  return {
    found: destinationRule ? { virtualServices, destinationRule } : { virtualServices },
    errors,
    events,
  };
}

/** Does any weighted route of any VirtualService send traffic to the canary right now? */
function canaryReceivesTraffic(rollout: Rollout, virtualServices: readonly VirtualService[]): boolean {
  const roles = routingRoles(rollout);
  return virtualServices.some((vs) => {
    const ctx = virtualServiceContext(vs, rollout);
    if (isRouterError(ctx)) return false;
    const selected = selectRoutes(vs, ctx.ref, ctx.roles, ctx.managed, ctx.objectRef);
    if (isRouterError(selected)) return false;
    return (['http', 'tls', 'tcp'] as const).some((kind) =>
      selected[kind].some((i) =>
        (vs.spec[kind]?.[i]?.route ?? []).some(
          (d) => destinationRole(d.destination, roles) === 'canary' && weightOf(d) > 0,
        ),
      ),
    );
  });
}

function canaryLabel(dr: DestinationRule, rollout: Rollout): string {
  const subset = rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule?.canarySubsetName;
  return dr.spec.subsets?.find((s) => s.name === subset)?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
}

/**
 * How this pass orders the DestinationRule retarget against the weights (ADR 0030):
 * - `drain`: the canary subset is about to be relabelled (or the planner asked for weight first) while weighted
 *   routes still send traffic to it ⇒ write the VirtualServices with canary weight 0, postpone the DR.
 * - `retarget`: the canary subset is relabelled now; the canary weight is held at 0 until a later pass.
 * - `normal`: DR (when it changes) first, then the VirtualServices at the intended weight.
 */
type Phase = 'drain' | 'retarget' | 'normal';

function choosePhase(input: TrafficPlanInput, found: Found, dr: RouterResult<DestinationRule>): Phase {
  if (dr.kind !== 'updated' || !found.destinationRule) return 'normal';
  const relabelsCanary = canaryLabel(found.destinationRule, input.rollout) !== input.intent.canaryHash;
  if (!relabelsCanary && !input.intent.weightBeforeHashes) return 'normal';
  if (canaryReceivesTraffic(input.rollout, found.virtualServices)) return 'drain';
  return relabelsCanary ? 'retarget' : 'normal';
}

/**
 * One reconcile of the Istio objects for a Rollout: which full objects to write, in which order. All or nothing —
 * if any referenced object is missing or any VirtualService cannot take the intent, nothing is written.
 */
export function planTraffic(input: TrafficPlanInput): TrafficPlan {
  const { rollout, intent } = input;
  const { found, errors, events } = lookUp(input);
  if (errors.length > 0) return { writes: [], errors, events, requeue: false };
  const experiments = intent.additionalDestinations ?? [];
  const dr = found.destinationRule
    ? updateHashes(found.destinationRule, rollout, intent.canaryHash, intent.stableHash, experiments)
    : ({ kind: 'unchanged' } as const);
  if (dr.kind === 'error') return { writes: [], errors: [dr.error], events, requeue: false };
  const phase = choosePhase(input, found, dr);
  if (phase !== 'drain' && dr.kind === 'updated' && intent.delayHashSwitch !== undefined) {
    const error: RouterError = {
      reason: 'DelayedHashSwitch',
      object: routingOf(rollout)?.destinationRule?.objectRef ?? '',
      message: messages.delayHashSwitch(intent.delayHashSwitch),
    };
    return { writes: [], errors: [error], events, requeue: false };
  }
  const weight = phase === 'normal' ? intent.canaryWeight : 0;
  const vsWrites: TrafficWrite[] = [];
  for (const vs of found.virtualServices) {
    const vsIntent = { canaryWeight: weight, managedRoutes: intent.managedRoutes, additional: experiments };
    const result = applyTrafficIntent(vs, rollout, vsIntent, found.destinationRule);
    if (result.kind === 'error') errors.push(result.error);
    if (result.kind === 'updated') {
      vsWrites.push({ kind: 'VirtualService', object: result.object });
      events.push(...result.events);
    }
  }
  if (errors.length > 0) return { writes: [], errors, events: [], requeue: false };
  return finishPlan(phase, dr, vsWrites, events, intent);
}

function finishPlan(
  phase: Phase,
  dr: RouterResult<DestinationRule>,
  vsWrites: TrafficWrite[],
  events: RouterEvent[],
  intent: TrafficIntent,
): TrafficPlan {
  if (phase === 'drain' || dr.kind !== 'updated') {
    if (phase === 'drain') {
      const message = 'DestinationRule switch postponed until the canary weight is 0 in every VirtualService';
      events.push({ type: 'Normal', reason: 'DestinationRuleSwitchPostponed', message });
    }
    return { writes: vsWrites, errors: [], events, requeue: phase === 'drain' };
  }
  const writes: TrafficWrite[] = [{ kind: 'DestinationRule', object: dr.object }, ...vsWrites];
  return {
    writes,
    errors: [],
    events: [...dr.events, ...events],
    requeue: phase === 'retarget' && intent.canaryWeight > 0,
  };
}
