import { objectRef } from '../api/meta.js';
import type { ValidationError } from '../api/validate.js';
import type { AnalyzeOptions } from '../mesh/analyze.js';
import type { ManifestAnalysis } from '../mesh/simulate-paths.js';
import { manifestAnalyzer } from '../mesh/simulate-paths.js';
import { SimulationLimitError } from '../rollout/simulate.js';
import type { LoadedObject } from './parse.js';
import { locate, validateManifests } from './validate.js';
import type { LoadedRollout } from './validate.js';

/**
 * Steps a Rollout may have for truesplit to simulate it: each step is simulated from the start of the update, so
 * the cost grows with the square of the step count (500 steps take about a second).
 */
export const MAX_SIMULATED_STEPS = 500;
const STEPS_FIELD = 'spec.strategy.canary.steps';

export interface ManifestCheck {
  /** Every Rollout of the input, valid (in input order). */
  rollouts: LoadedRollout[];
  /** Every problem, each naming file, line, object and field. Empty: the input is valid. */
  errors: ValidationError[];
  /** Fields valid under Argo that truesplit does not implement (warned, never an error). */
  warnings: ValidationError[];
  /** The simulation and traffic-path analysis of every Rollout; present when `errors` is empty. */
  analysis?: ManifestAnalysis;
}

/**
 * The one check of a manifest set, run alike by `lint`, `simulate` and `analyze`: every object's shape and fields,
 * each Rollout's rules and references, then each Rollout simulated step by step with its VirtualServices and
 * DestinationRule rendered by the Istio router — an object the router cannot apply a step to is an error too.
 */
export function checkManifests(loaded: readonly LoadedObject[], options: AnalyzeOptions = {}): ManifestCheck {
  const { rollouts, errors, warnings } = validateManifests(loaded);
  if (errors.length > 0) return { rollouts, errors, warnings };
  const tooLong = rollouts.flatMap(stepCountError);
  if (tooLong.length > 0) return { rollouts, errors: tooLong, warnings };
  const analyze = manifestAnalyzer(
    loaded.map((entry) => entry.object),
    options,
  );
  const analysis: ManifestAnalysis = { rollouts: [], routerErrors: [] };
  const problems: ValidationError[] = [];
  for (const rollout of rollouts) {
    try {
      const routerErrors: ManifestAnalysis['routerErrors'] = [];
      analysis.rollouts.push(analyze(rollout.object, routerErrors));
      for (const error of routerErrors) analysis.routerErrors.push(error);
    } catch (error) {
      if (!(error instanceof SimulationLimitError)) throw error;
      problems.push(locate(rollout, simulationLimitProblem(rollout, error)));
    }
  }
  for (const error of uniqueRouterErrors(analysis)) problems.push(routerProblem(loaded, error));
  return problems.length > 0
    ? { rollouts, errors: problems, warnings }
    : { rollouts, errors: [], warnings, analysis };
}

function stepCountError(rollout: LoadedRollout): ValidationError[] {
  const steps = rollout.object.spec.strategy.canary?.steps ?? [];
  if (steps.length <= MAX_SIMULATED_STEPS) return [];
  const error: ValidationError = {
    object: objectRef(rollout.object),
    field: STEPS_FIELD,
    message: `${steps.length} steps: truesplit simulates at most ${MAX_SIMULATED_STEPS} steps per Rollout`,
  };
  return [locate(rollout, error)];
}

function simulationLimitProblem(rollout: LoadedRollout, error: Error): ValidationError {
  const replicas = rollout.object.spec.replicas ?? 1;
  const cause = error.message.replace(/^Rollout [^:]*: /, '');
  return {
    object: objectRef(rollout.object),
    field: 'spec.replicas',
    message: `too large to simulate with ${replicas} replicas: the ${cause} (use fewer replicas or a larger maxSurge)`,
  };
}

/** Router errors of every Rollout, each once (two Rollouts may share a VirtualService). */
function uniqueRouterErrors(analysis: ManifestAnalysis): ManifestAnalysis['routerErrors'] {
  const seen = new Map<string, ManifestAnalysis['routerErrors'][number]>();
  for (const e of analysis.routerErrors) seen.set(`${e.object}|${e.field ?? ''}|${e.message}`, e);
  analysis.routerErrors = [...seen.values()];
  return analysis.routerErrors;
}

/** A router error located at the object (and field) at fault, when that object was part of the input. */
function routerProblem(
  loaded: readonly LoadedObject[],
  error: ManifestAnalysis['routerErrors'][number],
): ValidationError {
  const problem: ValidationError = {
    object: error.object,
    field: error.field ?? 'spec',
    message: error.message,
  };
  const entry = loaded.find((candidate) => objectRef(candidate.object) === error.object);
  return entry ? locate(entry, problem) : problem;
}
