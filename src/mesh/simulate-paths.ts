import type { DestinationRule, KubeObject, Rollout, VirtualService } from '../api/index.js';
import type { SimulatedStep } from '../rollout/simulate.js';
import { withStablePingPong } from '../api/ping-pong.js';
import { simulateRollout } from '../rollout/simulate.js';
import { renderTrafficObjects } from '../traffic/istio/render.js';
import { namespaceOf, routingOf } from '../traffic/istio/roles.js';
import type { RouterError } from '../traffic/router.js';
import type { AnalyzeOptions, StepsAnalysis, StepState } from './analyze.js';
import { analyzeSteps } from './analyze.js';
import { withServiceHashes } from './controller-state.js';
import type { MeshSnapshot } from './snapshot.js';
import { DEFAULT_ROOT_NAMESPACE, endpointGroupsForRollout, snapshotFromObjects } from './snapshot.js';
import { meshSourceOf, rolloutScope, type MeshSource } from './scope.js';

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

type Routing = { metadata: { name: string; namespace?: string } };

/** Objects by `namespace/name`, with their position in the input. */
function byName<T extends Routing>(objects: readonly T[]): Map<string, { position: number; object: T }[]> {
  const map = new Map<string, { position: number; object: T }[]>();
  objects.forEach((object, position) => {
    const key = `${namespaceOf(object)}/${object.metadata.name}`;
    map.set(key, [...(map.get(key) ?? []), { position, object }]);
  });
  return map;
}

/** The VirtualServices and DestinationRules of the whole input, indexed once. */
function routingByName(source: MeshSource) {
  return {
    virtualServices: byName(source.virtualServices()),
    destinationRules: byName(source.destinationRules()),
  };
}

/** The VirtualServices and DestinationRule the Rollout names, looked up in the whole input (not the scoped base). */
function referencedObjects(input: ReturnType<typeof routingByName>, rollout: Rollout) {
  const routing = routingOf(rollout);
  const refs = new Set((routing?.virtualServices ?? []).map((r) => `${r.namespace}/${r.name}`));
  const virtualServices = [...refs]
    .flatMap((ref) => input.virtualServices.get(ref) ?? [])
    .sort((a, b) => a.position - b.position)
    .map((entry) => entry.object);
  const dr = routing?.destinationRule;
  const destinationRule = dr && input.destinationRules.get(`${dr.namespace}/${dr.name}`)?.[0]?.object;
  return destinationRule ? { virtualServices, destinationRule } : { virtualServices };
}

/**
 * The snapshot one Rollout is analysed against: the configuration of its own hosts only, by the rule the controller
 * observes with (`rolloutScope`), so each step's index is built over a few objects, not the whole input.
 */
function scopedSnapshot(base: MeshSnapshot, source: MeshSource, rollout: Rollout): MeshSnapshot {
  return { ...base, ...rolloutScope(source, rollout, base.rootNamespace ?? DEFAULT_ROOT_NAMESPACE) };
}

function stepState(
  base: MeshSnapshot,
  referenced: ReturnType<typeof referencedObjects>,
  input: Rollout,
  entry: SimulatedStep,
  errors: RouterError[],
): StepState {
  // Ping-pong: the roles at this step, as the router and the planner read them from the status.
  const stablePingPong = entry.status.canary?.stablePingPong;
  const rollout = withStablePingPong(input, stablePingPong);
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
  if (stablePingPong) state.stablePingPong = stablePingPong;
  if (entry.traffic) {
    const rendered = renderTrafficObjects(rollout, entry.traffic, referenced);
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

/** Analyses one Rollout of a prepared input; router errors are appended to `routerErrors`. */
export type RolloutManifestAnalyzer = (rollout: Rollout, routerErrors: RouterError[]) => RolloutStepsAnalysis;

/**
 * The input classified and indexed once; each Rollout given to the result is then simulated and analysed against its
 * scoped snapshot, so the cost per Rollout does not grow with the number of other applications in the input
 * (ADR 0190). `checkManifests` prepares once and analyses Rollout by Rollout (ADR 0255).
 */
export function manifestAnalyzer(
  objects: readonly KubeObject[],
  options: AnalyzeOptions = {},
): RolloutManifestAnalyzer {
  const meshObjects = objects.filter((o) => o.kind !== 'ReplicaSet' && o.kind !== 'Pod');
  const full = snapshotFromObjects(meshObjects);
  const source = meshSourceOf(meshObjects);
  const routing = routingByName(source);
  return (rollout, routerErrors) => {
    const base = scopedSnapshot(full, source, rollout);
    const referenced = referencedObjects(routing, rollout);
    const entries = simulateRollout(rollout);
    const states = entries.map((entry) => stepState(base, referenced, rollout, entry, routerErrors));
    return { rollout, analysis: analyzeSteps(base, rollout, states, options), simulation: entries, states };
  };
}

/** Every Rollout of `rollouts` analysed against `objects` (`manifestAnalyzer`). */
export function analyzeManifests(
  objects: readonly KubeObject[],
  rollouts: readonly Rollout[],
  options: AnalyzeOptions = {},
): ManifestAnalysis {
  const analyze = manifestAnalyzer(objects, options);
  const routerErrors: RouterError[] = [];
  const analysed = rollouts.map((rollout) => analyze(rollout, routerErrors));
  return { rollouts: analysed, routerErrors: dedupeErrors(routerErrors) };
}

function dedupeErrors(errors: RouterError[]): RouterError[] {
  const seen = new Map<string, RouterError>();
  for (const e of errors) seen.set(`${e.object}|${e.field ?? ''}|${e.message}`, e);
  return [...seen.values()];
}
