/**
 * The one overlay: the observation with this pass's writes applied — new ReplicaSets added, scales and annotations
 * merged, Service selectors switched, VirtualServices and DestinationRules replaced by the router's objects. The path
 * model judges this state, the one the controller is about to converge to, not the one it is leaving. New pods are not
 * ready yet: a write changes specs, never the observed pod counts. Shared cached objects are never mutated.
 */
import type { DestinationRule, VirtualService } from '../api/istio.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import { replicaSetsAfter, servicesAfter } from '../rollout/apply-actions.js';
import type { WorkloadAction } from '../rollout/plan-types.js';
import type { TrafficWrite } from '../traffic/router.js';
import type { MeshObservation, Observation } from './observation.js';

/** What one pass writes: the planner's workload actions and the router's full objects, in order. */
export interface PassWrites {
  actions: readonly WorkloadAction[];
  traffic: readonly TrafficWrite[];
}

type Named = { metadata: { name: string; namespace?: string } };

function sameObject(a: Named, b: Named): boolean {
  return a.metadata.name === b.metadata.name && (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

/** `written` replaces the object with its namespace and name, or joins the list. */
function replacedIn<T extends Named>(list: readonly T[], written: T): T[] {
  const at = list.findIndex((o) => sameObject(o, written));
  return at < 0 ? [...list, written] : list.map((o, i) => (i === at ? written : o));
}

interface Mutable {
  replicaSets: readonly ReplicaSet[];
  services: readonly Service[];
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
}

function applyTo<T extends Mutable>(state: T, writes: PassWrites, namespace: string, owner: string): T {
  let { replicaSets, services, virtualServices, destinationRules } = state;
  for (const action of writes.actions) {
    replicaSets = replicaSetsAfter(replicaSets, action, namespace);
    services = servicesAfter(services, action, namespace, owner);
  }
  for (const write of writes.traffic) {
    if (write.kind === 'VirtualService') virtualServices = replacedIn(virtualServices, write.object);
    else destinationRules = replacedIn(destinationRules, write.object);
  }
  return { ...state, replicaSets, services, virtualServices, destinationRules };
}

/** The observation as it will be once `writes` are applied (the Rollout's own status is the pass's to write). */
export function applyPassWrites(observation: Observation, writes: PassWrites): Observation {
  const namespace = observation.rollout.metadata.namespace ?? '';
  const owner = observation.rollout.metadata.name;
  const own = applyTo(
    {
      replicaSets: observation.replicaSets,
      services: observation.services,
      virtualServices: observation.virtualServices,
      destinationRules: observation.destinationRule ? [observation.destinationRule] : [],
    },
    writes,
    namespace,
    owner,
  );
  const next: Observation = {
    rollout: observation.rollout,
    replicaSets: [...own.replicaSets],
    services: [...own.services],
    virtualServices: [...own.virtualServices],
  };
  const destinationRule = own.destinationRules[0];
  if (destinationRule) next.destinationRule = destinationRule;
  if (observation.mesh) next.mesh = applyTo<MeshObservation>(observation.mesh, writes, namespace, owner);
  // The telemetry reading was taken before the pass and no write changes it; the observed gate judges it (ADR 0265).
  if (observation.telemetry) next.telemetry = observation.telemetry;
  return next;
}
