import type { CanaryStep, DestinationRule, Rollout, Service, VirtualService } from '../api/index.js';
import { withStablePingPong, type PingPongRole } from '../api/ping-pong.js';
import { buildContext } from './context.js';
import { collectFindings, copyStepFinding, mergeFindings } from './findings.js';
import { indexSnapshot } from './index-snapshot.js';
import type { PathOptions } from './paths.js';
import { evaluateInContext } from './paths.js';
import type { EndpointGroup, MeshSnapshot, RolloutTrafficState } from './snapshot.js';
import type { Finding, TrafficPath } from './types.js';

export interface AnalyzeOptions extends PathOptions {
  /** Weights the Rollout's steps use; default: every `setWeight` of its steps plus the current weight. */
  weights?: number[];
  /** Build each finding's fix (YAML and commands); default true. The controller's condition needs none. */
  fixes?: boolean;
}

export interface RolloutAnalysis {
  paths: TrafficPath[];
  findings: Finding[];
}

function stepWeights(state: RolloutTrafficState): number[] {
  const steps = state.rollout.spec.strategy.canary?.steps ?? [];
  const weights = steps.map((s) => s.setWeight).filter((w): w is number => typeof w === 'number');
  return [...new Set([...weights, state.canaryWeight])];
}

/** Every path's canary share for one Rollout at one moment, and the findings that explain divergences. */
export function analyzeRollout(
  snapshot: MeshSnapshot,
  state: RolloutTrafficState,
  options: AnalyzeOptions = {},
): RolloutAnalysis {
  return analyzeAt(snapshot, state, options, options.fixes ?? true);
}

function analyzeAt(
  snapshot: MeshSnapshot,
  state: RolloutTrafficState,
  options: AnalyzeOptions,
  withFixes: boolean,
): RolloutAnalysis {
  const ctx = buildContext(indexSnapshot(snapshot), state, options.tolerance ?? 0);
  const evaluated = evaluateInContext(ctx);
  const weights = options.weights ?? stepWeights(state);
  return {
    paths: evaluated.map((e) => e.path),
    findings: collectFindings(ctx, evaluated, weights, withFixes),
  };
}

/** The state of one step of a simulated rollout, as the planner and the router would leave the cluster. */
export interface StepState {
  index: number;
  step?: CanaryStep;
  canaryWeight: number;
  canaryHash: string;
  stableHash: string;
  /** This Rollout's pods at this step; added to the snapshot's other endpoint groups. */
  endpoints: EndpointGroup[];
  /** Objects as written at this step; each replaces the snapshot's object of the same kind, namespace and name. */
  virtualServices?: VirtualService[];
  destinationRules?: DestinationRule[];
  services?: Service[];
  /** Ping-pong: which Service is stable at this step (`status.canary.stablePingPong`). */
  stablePingPong?: PingPongRole;
}

export interface StepAnalysis {
  index: number;
  step?: CanaryStep;
  canaryWeight: number;
  paths: TrafficPath[];
  /** This step's findings without their `fix` (''); the merged `StepsAnalysis.findings` carry the fixes. */
  findings: Finding[];
}

export interface StepsAnalysis {
  steps: StepAnalysis[];
  /** Deduplicated over every step (worst severity wins; `steps` lists where each was seen). */
  findings: Finding[];
}

type Named = { metadata: { name: string; namespace?: string } };

function replaceByName<T extends Named>(base: readonly T[], overrides: readonly T[] | undefined): T[] {
  if (!overrides || overrides.length === 0) return [...base];
  const key = (o: Named) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
  const replaced = new Set(overrides.map(key));
  const names = new Set(overrides.map((o) => o.metadata.name));
  const kept = base.filter((o) => !names.has(o.metadata.name) || !replaced.has(key(o)));
  return [...kept, ...overrides];
}

export function snapshotAtStep(base: MeshSnapshot, step: StepState): MeshSnapshot {
  return {
    ...base,
    services: replaceByName(base.services, step.services),
    virtualServices: replaceByName(base.virtualServices, step.virtualServices),
    destinationRules: replaceByName(base.destinationRules, step.destinationRules),
    endpoints: [...base.endpoints, ...step.endpoints],
  };
}

/** What a step's analysis depends on besides the Rollout and the base: all of its state but its place in the list. */
function stepInputKey(step: StepState): string {
  const { index: _index, step: _step, ...inputs } = step;
  return JSON.stringify(inputs);
}

/** A step's result for another step with the same inputs: equal values, no object shared between the two. */
function copyResult(result: RolloutAnalysis): RolloutAnalysis {
  return {
    paths: result.paths.map((p) => ({ ...p, findings: [...p.findings] })),
    findings: result.findings.map(copyStepFinding),
  };
}

/**
 * Analyse a Rollout at every step of a simulation. Steps whose state is the same (a pause after a `setWeight`, the
 * steps of an analysis at one weight) are evaluated once (ADR 0255).
 */
export function analyzeSteps(
  base: MeshSnapshot,
  rollout: Rollout,
  steps: readonly StepState[],
  options: AnalyzeOptions = {},
): StepsAnalysis {
  const evaluated = new Map<string, RolloutAnalysis>();
  const results: StepAnalysis[] = steps.map((step) => {
    const key = stepInputKey(step);
    const seen = evaluated.get(key);
    const state = {
      rollout: withStablePingPong(rollout, step.stablePingPong),
      canaryWeight: step.canaryWeight,
      canaryHash: step.canaryHash,
      stableHash: step.stableHash,
    };
    const { paths, findings } = seen
      ? copyResult(seen)
      : analyzeAt(snapshotAtStep(base, step), state, options, false);
    if (!seen) evaluated.set(key, { paths, findings });
    const result: StepAnalysis = { index: step.index, canaryWeight: step.canaryWeight, paths, findings };
    if (step.step) result.step = step.step;
    return result;
  });
  return { steps: results, findings: mergeFindings(results) };
}
