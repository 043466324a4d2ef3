import type { TrafficRouting } from './rollout.js';
import type { ReportProblem } from './validate-values.js';
import { managedRouteNames } from './validate-traffic.js';
import {
  INT32_MAX,
  integerProblem,
  isNonNegativeInteger,
  isRecord,
  parseDuration,
} from './validate-values.js';

const STEPS_PATH = 'spec.strategy.canary.steps';
export const STEP_KINDS = [
  'setWeight',
  'pause',
  'setCanaryScale',
  'analysis',
  'experiment',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What a step rule needs to know about the rest of the canary strategy. */
interface StepContext {
  trafficRouting: TrafficRouting | undefined;
  maxWeight: number;
  managedRoutes: Set<string>;
  report: ReportProblem;
}

export function validateSteps(
  steps: unknown,
  trafficRouting: TrafficRouting | undefined,
  report: ReportProblem,
): void {
  if (steps === undefined) return;
  if (!Array.isArray(steps)) {
    report(STEPS_PATH, 'must be a list');
    return;
  }
  const maxTrafficWeight = trafficRouting?.maxTrafficWeight;
  const context: StepContext = {
    trafficRouting,
    maxWeight: isNonNegativeInteger(maxTrafficWeight) && maxTrafficWeight > 0 ? maxTrafficWeight : 100,
    managedRoutes: managedRouteNames(trafficRouting),
    report,
  };
  steps.forEach((step: unknown, index) => validateStep(step, `${STEPS_PATH}[${index}]`, context));
}

function validateStep(step: unknown, path: string, context: StepContext): void {
  if (!isRecord(step)) {
    context.report(path, 'must be an object');
    return;
  }
  const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
  const [kind] = kinds;
  if (kind === undefined) {
    context.report(path, `must set exactly one of ${STEP_KINDS.join(', ')}`);
  } else if (kinds.length > 1) {
    context.report(path, `sets ${kinds.join(' and ')}: a step must have exactly one kind`);
  } else {
    STEP_RULES[kind](step[kind], `${path}.${kind}`, context);
  }
}

type StepRule = (value: unknown, path: string, context: StepContext) => void;

const acceptStep: StepRule = () => undefined;

const STEP_RULES: Record<StepKind, StepRule> = {
  setWeight: (value, path, { maxWeight, report }) => {
    const problem = integerProblem(value, 0, maxWeight);
    if (problem) report(path, problem);
  },
  pause: validatePause,
  setCanaryScale: validateSetCanaryScale,
  setHeaderRoute: validateHeaderRoute,
  setMirrorRoute: validateMirrorRoute,
  analysis: acceptStep,
  experiment: acceptStep,
  plugin: acceptStep,
};

function validatePause(pause: unknown, path: string, { report }: StepContext): void {
  if (!isRecord(pause)) {
    report(path, 'must be an object (use pause: {} to wait for promotion)');
    return;
  }
  const duration = pause.duration;
  if (duration === undefined) return;
  const seconds =
    typeof duration === 'number' || typeof duration === 'string' ? parseDuration(duration) : undefined;
  if (seconds === undefined) {
    report(
      `${path}.duration`,
      `invalid duration ${JSON.stringify(duration)}: use seconds (30) or a unit (30s, 5m, 1h)`,
    );
  } else if (seconds < 0) {
    report(`${path}.duration`, 'must be greater than or equal to 0');
  } else if (seconds > INT32_MAX) {
    report(`${path}.duration`, `must be at most ${INT32_MAX} seconds (about 68 years), Argo's int32 limit`);
  }
}

function validateSetCanaryScale(scale: unknown, path: string, { trafficRouting, report }: StepContext): void {
  if (trafficRouting === undefined) {
    report(path, 'requires trafficRouting');
    return;
  }
  if (!isRecord(scale)) {
    report(path, 'must be an object');
    return;
  }
  const set = ['replicas', 'weight', 'matchTrafficWeight'].filter((field) => scale[field] !== undefined);
  if (set.length !== 1) report(path, 'set exactly one of replicas, weight or matchTrafficWeight');
  const replicasProblem = scale.replicas === undefined ? undefined : integerProblem(scale.replicas);
  if (replicasProblem) report(`${path}.replicas`, replicasProblem);
  const weightProblem = scale.weight === undefined ? undefined : integerProblem(scale.weight, 0, 100);
  if (weightProblem) report(`${path}.weight`, weightProblem);
  if (scale.matchTrafficWeight !== undefined && typeof scale.matchTrafficWeight !== 'boolean') {
    report(`${path}.matchTrafficWeight`, 'must be a boolean');
  }
}

/** Shared by header and mirror routes: Istio only, the name must be a managed route. */
function validateManagedRouteStep(
  route: unknown,
  path: string,
  context: StepContext,
): route is Record<string, unknown> {
  const { trafficRouting, managedRoutes, report } = context;
  if (trafficRouting === undefined) {
    report(path, 'requires trafficRouting');
    return false;
  }
  if (trafficRouting.istio === undefined) report(path, 'requires Istio traffic routing');
  if (!isRecord(route)) {
    report(path, 'must be an object');
    return false;
  }
  if (typeof route.name !== 'string' || route.name === '') report(`${path}.name`, 'required');
  else if (!managedRoutes.has(route.name)) {
    report(
      `${path}.name`,
      `"${route.name}" must be listed in spec.strategy.canary.trafficRouting.managedRoutes`,
    );
  }
  if (route.match !== undefined && !Array.isArray(route.match)) report(`${path}.match`, 'must be a list');
  return Array.isArray(route.match);
}

function validateHeaderRoute(route: unknown, path: string, context: StepContext): void {
  if (!validateManagedRouteStep(route, path, context)) return;
  (route.match as unknown[]).forEach((match: unknown, index) => {
    const matchPath = `${path}.match[${index}]`;
    if (!isRecord(match)) return context.report(matchPath, 'must be an object');
    if (typeof match.headerName !== 'string' || match.headerName === '') {
      context.report(`${matchPath}.headerName`, 'required');
    }
    validateStringMatch(match.headerValue, `${matchPath}.headerValue`, context.report);
  });
}

function validateMirrorRoute(route: unknown, path: string, context: StepContext): void {
  const withMatch = validateManagedRouteStep(route, path, context);
  if (!isRecord(route)) return;
  const percentage = route.percentage;
  if (percentage !== undefined && (typeof percentage !== 'number' || percentage < 0 || percentage > 100)) {
    context.report(`${path}.percentage`, 'must be between 0 and 100');
  }
  if (!withMatch) return;
  (route.match as unknown[]).forEach((match: unknown, index) => {
    const matchPath = `${path}.match[${index}]`;
    if (!isRecord(match)) return context.report(matchPath, 'must be an object');
    if (match.method !== undefined) validateStringMatch(match.method, `${matchPath}.method`, context.report);
    if (match.path !== undefined) validateStringMatch(match.path, `${matchPath}.path`, context.report);
    const headers = match.headers ?? {};
    if (!isRecord(headers))
      return context.report(`${matchPath}.headers`, 'must be a map of header name to match');
    for (const [name, value] of Object.entries(headers)) {
      validateStringMatch(value, `${matchPath}.headers.${name}`, context.report);
    }
  });
}

/** Istio StringMatch: exactly one of exact, prefix or regex. */
export function validateStringMatch(value: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(value)) {
    report(path, 'must set exactly one of exact, prefix or regex');
    return;
  }
  const set = ['exact', 'prefix', 'regex'].filter((field) => value[field] !== undefined);
  if (set.length !== 1) report(path, 'must set exactly one of exact, prefix or regex');
}
