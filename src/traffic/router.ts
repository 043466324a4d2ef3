import type { DestinationRule, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import type { RolloutEvent, TrafficIntent } from '../rollout/intent.js';

/**
 * The traffic-router port. Every operation is a pure transform: it takes the objects as read from the cache and
 * returns the object to write, "unchanged" (nothing to write), or an error value. Nothing here throws for bad input.
 */

export type RouterErrorReason =
  | 'VirtualServiceNotFound'
  | 'DestinationRuleNotFound'
  | 'InvalidRoute'
  | 'InvalidWeight'
  | 'SubsetNotFound'
  | 'DelayedHashSwitch';

export interface RouterError {
  reason: RouterErrorReason;
  /** Human-readable text; where Argo Rollouts has a message for the same condition, it is Argo's exact text. */
  message: string;
  /** `Kind/namespace/name` of the object at fault. */
  object: string;
  /** JSON-ish path of the offending field inside `object`, when one field is at fault. */
  field?: string;
}

export type RouterEvent = RolloutEvent;

export type RouterResult<T> =
  | { kind: 'updated'; object: T; events: RouterEvent[] }
  | { kind: 'unchanged' }
  | { kind: 'error'; error: RouterError };

/** One full object to send with an Update (PUT), in the order the writes must happen. */
export type TrafficWrite =
  { kind: 'VirtualService'; object: VirtualService } | { kind: 'DestinationRule'; object: DestinationRule };

export function updated<T>(object: T, events: RouterEvent[] = []): RouterResult<T> {
  return { kind: 'updated', object, events };
}

export const UNCHANGED: RouterResult<never> = { kind: 'unchanged' };

export function failed(error: RouterError): RouterResult<never> {
  return { kind: 'error', error };
}

/** The object a result leaves in place: the new one when updated, the input otherwise. */
export function resultObject<T>(input: T, result: RouterResult<T>): T {
  return result.kind === 'updated' ? result.object : input;
}

/** One reconcile's worth of router output. */
export interface TrafficPlan {
  /** Full objects to Update, in order. Empty whenever `errors` is not: nothing is half-applied. */
  writes: TrafficWrite[];
  errors: RouterError[];
  events: RouterEvent[];
  /** The intent is not reached yet (a drain or retarget pass came first): reconcile again. */
  requeue: boolean;
}

/** What every router reads: the Rollout, the planner's intent and the referenced objects as observed. */
export interface TrafficRouterInput {
  rollout: Rollout;
  intent: TrafficIntent;
  /** Every observed VirtualService that might be referenced (extra ones are ignored). */
  virtualServices: readonly VirtualService[];
  destinationRule?: DestinationRule;
}

/** The router port: what the pass dispatches through (`routerFor` in `routers.ts` picks the implementation). */
export interface TrafficRouter {
  /** Argo's router type name ("Istio"). */
  readonly type: string;
  /** Converge the mesh objects towards the intent (see the implementation for pass ordering). */
  plan(input: TrafficRouterInput): TrafficPlan;
  /** The router's checks of the referenced objects, as `InvalidSpec` problems of the Rollout; empty when valid. */
  specProblems(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[];
}
