import type { CanaryStep, WeightDestination } from '../api/rollout.js';

/**
 * The contract between the rollout planner and the traffic routers: the planner computes a `TrafficIntent`, a router
 * (`src/traffic/`) makes it true and reports `RolloutEvent`s. It sits below both so neither imports the other.
 */

/** An event the planner or a router asks to record on the Rollout. */
export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * What the rollout planner wants the traffic router to make true, computed fresh on every reconcile (level-based).
 * The router (`src/traffic/istio/`) turns an intent plus the current VirtualServices / DestinationRule into the
 * objects to write; it never decides weights itself.
 */
export interface TrafficIntent {
  /** Desired canary weight, 0..100. Stable gets 100 − canary − additional. */
  canaryWeight: number;
  /** Pod-template hash the canary subset / canary Service must select ('' when there is no canary yet). */
  canaryHash: string;
  /** Pod-template hash the stable subset / stable Service must select. */
  stableHash: string;
  /** Managed header and mirror routes that must exist now, in the order the steps created them. */
  managedRoutes: ManagedRoute[];
  /**
   * The canary has no available pods while traffic still points at it (previous recorded weight > 0): set the
   * weight to 0 first and retarget the DestinationRule only on a later pass, so traffic never reaches an empty subset.
   */
  weightBeforeHashes: boolean;
  /**
   * Delay the DestinationRule hash switch: a ReplicaSet whose hash is the canary or stable hash is scaled up but not
   * fully available (Argo's rule when neither canaryService nor stableService is set). Names the ReplicaSet.
   */
  delayHashSwitch?: string;
  /**
   * Experiment destinations (`serviceName`, `weight`, `podTemplateHash`): added to every weighted route with their
   * weight (taken from stable) and, in subset mode, given a DestinationRule subset named after the Service.
   */
  additionalDestinations?: WeightDestination[];
}

export type ManagedRoute =
  | { kind: 'header'; name: string; step: NonNullable<CanaryStep['setHeaderRoute']> }
  | { kind: 'mirror'; name: string; step: NonNullable<CanaryStep['setMirrorRoute']> };
