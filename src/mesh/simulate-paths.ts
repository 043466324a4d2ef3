import type { DestinationRule, KubeObject, Rollout, VirtualService } from '../api/index.js';
import type { SimulatedStep } from '../rollout/simulate.js';
import { simulateRollout } from '../rollout/simulate.js';
import { renderTrafficObjects } from '../traffic/istio/render.js';
import { namespaceOf, routingOf } from '../traffic/istio/roles.js';
import type { RouterError } from '../traffic/router.js';
import type { AnalyzeOptions, StepsAnalysis, StepState } from './analyze.js';
import { analyzeSteps } from './analyze.js';
import { withServiceHashes } from './controller-state.js';
import type { MeshSnapshot } from './snapshot.js';
import { endpointGroupsForRollout, snapshotFromObjects } from './snapshot.js';

/**
 * `truesplit analyze` without the I/O: simulate each Rollout's steps, render its VirtualServices and
 * DestinationRule at every step with the Istio router, scale its ReplicaSets, and run the path model.
 */
export interface ManifestAnalysis {
  rollouts: RolloutStepsAnalysis[];
  /** Objects the router could not apply a step's intent to: the input is inconsistent. */
  routerErrors: RouterError[];
}

export interface RolloutStepsAnalysis {
  rollout: Rollout;
  analysis: StepsAnalysis;
  /** The simulation the analysis ran on, one entry per step (`truesplit simulate` reports it). */
  simulation: SimulatedStep[];
  /** Per step, the objects as the controller would write them (rendered VirtualServices, DestinationRules). */
  states: StepState[];
}

function referencedObjects(base: MeshSnapshot, rollout: Rollout) {
  const routing = routingOf(rollout);
  const key = (o: { metadata: { name: string; namespace?: string } }) =>
    `${namespaceOf(o)}/${o.metadata.name}`;
  const refs = new Set((routing?.virtualServices ?? []).map((r) => `${r.namespace}/${r.name}`));
  const virtualServices = base.virtualServices.filter((vs) => refs.has(key(vs)));
  const dr = routing?.destinationRule;
  const destinationRule = base.destinationRules.find(
    (o) => dr !== undefined && key(o) === `${dr.namespace}/${dr.name}`,
  );
  return destinationRule ? { virtualServices, destinationRule } : { virtualServices };
}

function stepState(
  base: MeshSnapshot,
  rollout: Rollout,
  entry: SimulatedStep,
  errors: RouterError[],
): StepState {
  const canaryHash = entry.traffic?.canaryHash ?? entry.status.currentPodHash ?? '';
  const stableHash = entry.traffic?.stableHash ?? entry.status.stableRS ?? canaryHash;
  const state: StepState = {
    index: entry.index,
    canaryWeight: entry.canaryWeight,
    canaryHash,
    stableHash,
    endpoints: endpointGroupsForRollout(rollout, { canaryHash, stableHash }, entry.replicas, base.namespaces),
  };
  if (entry.step) state.step = entry.step;
  if (entry.traffic) {
    const rendered = renderTrafficObjects(rollout, entry.traffic, referencedObjects(base, rollout));
    errors.push(...rendered.errors);
    state.virtualServices = rendered.objects.filter((o): o is VirtualService => o.kind === 'VirtualService');
    state.destinationRules = rendered.objects.filter(
      (o): o is DestinationRule => o.kind === 'DestinationRule',
    );
  }
  const hashed = withServiceHashes(base, {
    rollout,
    canaryWeight: entry.canaryWeight,
    canaryHash,
    stableHash,
  });
  state.services = hashed.services;
  return state;
}

export function analyzeManifests(
  objects: readonly KubeObject[],
  rollouts: readonly Rollout[],
  options: AnalyzeOptions = {},
): ManifestAnalysis {
  const base = snapshotFromObjects(objects.filter((o) => o.kind !== 'ReplicaSet' && o.kind !== 'Pod'));
  const routerErrors: RouterError[] = [];
  const analysed = rollouts.map((rollout) => {
    const entries = simulateRollout(rollout);
    const states = entries.map((entry) => stepState(base, rollout, entry, routerErrors));
    return { rollout, analysis: analyzeSteps(base, rollout, states, options), simulation: entries, states };
  });
  return { rollouts: analysed, routerErrors: dedupeErrors(routerErrors) };
}

function dedupeErrors(errors: RouterError[]): RouterError[] {
  const seen = new Map<string, RouterError>();
  for (const e of errors) seen.set(`${e.object}|${e.field ?? ''}|${e.message}`, e);
  return [...seen.values()];
}
