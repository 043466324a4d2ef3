import type { CanaryStrategy, TrafficRouting } from './rollout.js';
import type { ReportProblem } from './validate-values.js';
import { validateSteps } from './validate-steps.js';
import { validateTrafficRouting } from './validate-traffic.js';
import {
  INT32_MAX,
  integerProblem,
  isNonNegativeInteger,
  isRecord,
  optionalStringProblem,
  parseIntOrPercent,
} from './validate-values.js';

export const CANARY_PATH = 'spec.strategy.canary';

/** Fields that only make sense when a traffic router splits traffic (spec §2.2). */
const TRAFFIC_ROUTING_ONLY_FIELDS = [
  'dynamicStableScale',
  'minPodsPerReplicaSet',
  'scaleDownDelaySeconds',
  'abortScaleDownDelaySeconds',
] as const;

export function validateCanary(canary: CanaryStrategy, report: ReportProblem): void {
  const trafficRouting: unknown = canary.trafficRouting;
  const routed = trafficRouting !== undefined;
  validateServicePairing(canary, report);
  validateTrafficOnlyFields(canary, routed, report);
  validateSurge(canary, report);
  validateAntiAffinity(canary, report);
  validateProgressThreshold(canary, report);
  if (routed && !isRecord(trafficRouting)) report(`${CANARY_PATH}.trafficRouting`, 'must be an object');
  else if (routed) validateTrafficRouting(canary.trafficRouting ?? {}, report);
  const routers = isRecord(trafficRouting) ? (trafficRouting as TrafficRouting) : undefined;
  validateSteps(canary.steps, routers, report);
}

/** Only plugins configured: Argo lets plugins work without canary/stable Services. */
function isPluginOnly(trafficRouting: Record<string, unknown>): boolean {
  const routers = Object.keys(trafficRouting).filter(
    (key) => key !== 'managedRoutes' && key !== 'maxTrafficWeight',
  );
  return routers.length > 0 && routers.every((key) => key === 'plugins');
}

const SERVICE_FIELDS = ['canaryService', 'stableService'] as const;

function validateServicePairing(canary: CanaryStrategy, report: ReportProblem): void {
  const { canaryService, stableService, pingPong } = canary;
  const wrongType = SERVICE_FIELDS.filter((field) => optionalStringProblem(canary[field]) !== undefined);
  for (const field of wrongType)
    report(`${CANARY_PATH}.${field}`, optionalStringProblem(canary[field]) ?? '');
  if (wrongType.length > 0) return;
  if (canaryService !== undefined && canaryService === stableService) {
    report(`${CANARY_PATH}.stableService`, 'must differ from canaryService');
  }
  if (pingPong !== undefined) validatePingPong(pingPong, report);
  const trafficRouting: unknown = canary.trafficRouting;
  if (!isRecord(trafficRouting)) return;
  const istio = trafficRouting.istio;
  const subsetMode = isRecord(istio) && istio.destinationRule !== undefined;
  if (subsetMode || pingPong !== undefined || isPluginOnly(trafficRouting)) return;
  const required =
    'required with trafficRouting (unless Istio subset routing via destinationRule, or pingPong)';
  if (!canaryService) report(`${CANARY_PATH}.canaryService`, required);
  if (!stableService) report(`${CANARY_PATH}.stableService`, required);
}

function validatePingPong(pingPong: unknown, report: ReportProblem): void {
  const path = `${CANARY_PATH}.pingPong`;
  if (!isRecord(pingPong)) return report(path, 'must be an object');
  for (const field of ['pingService', 'pongService']) {
    const problem = optionalStringProblem(pingPong[field]);
    if (problem) return report(`${path}.${field}`, problem);
  }
  if (!pingPong.pingService) report(`${path}.pingService`, 'required');
  if (!pingPong.pongService) report(`${path}.pongService`, 'required');
  if (pingPong.pingService && pingPong.pingService === pingPong.pongService) {
    report(`${path}.pongService`, 'must differ from pingService');
  }
}

function validateTrafficOnlyFields(canary: CanaryStrategy, routed: boolean, report: ReportProblem): void {
  for (const field of TRAFFIC_ROUTING_ONLY_FIELDS) {
    const value: unknown = canary[field];
    if (value === undefined || value === false) continue;
    if (!routed) report(`${CANARY_PATH}.${field}`, 'requires trafficRouting');
    else if (field === 'dynamicStableScale' && typeof value !== 'boolean') {
      report(`${CANARY_PATH}.${field}`, 'must be a boolean');
    } else if (field !== 'dynamicStableScale' && integerProblem(value) !== undefined) {
      report(`${CANARY_PATH}.${field}`, integerProblem(value) ?? '');
    }
  }
  if (routed && canary.dynamicStableScale === true && canary.scaleDownDelaySeconds !== undefined) {
    report(`${CANARY_PATH}.scaleDownDelaySeconds`, 'cannot be used with dynamicStableScale');
  }
  const limit: unknown = canary.scaleDownDelayRevisionLimit;
  const limitProblem = limit === undefined ? undefined : integerProblem(limit);
  if (limitProblem) report(`${CANARY_PATH}.scaleDownDelayRevisionLimit`, limitProblem);
}

function validateSurge(canary: CanaryStrategy, report: ReportProblem): void {
  const parsed = {
    maxSurge: undefined as number | undefined,
    maxUnavailable: undefined as number | undefined,
  };
  for (const field of ['maxSurge', 'maxUnavailable'] as const) {
    const value: unknown = canary[field];
    if (value === undefined) continue;
    const result =
      typeof value === 'number' || typeof value === 'string' ? parseIntOrPercent(value) : undefined;
    if (!result || (result.kind === 'int' && result.value > INT32_MAX))
      report(`${CANARY_PATH}.${field}`, 'must be a non-negative integer or a percentage like 25%');
    else if (field === 'maxUnavailable' && result.kind === 'percent' && result.value > 100) {
      report(`${CANARY_PATH}.${field}`, 'must not be greater than 100%');
    } else parsed[field] = result.value;
  }
  if (parsed.maxSurge === 0 && parsed.maxUnavailable === 0) {
    report(`${CANARY_PATH}.maxUnavailable`, 'maxSurge and maxUnavailable cannot both be 0');
  }
}

function validateAntiAffinity(canary: CanaryStrategy, report: ReportProblem): void {
  const antiAffinity: unknown = canary.antiAffinity;
  if (antiAffinity === undefined) return;
  const path = `${CANARY_PATH}.antiAffinity`;
  if (!isRecord(antiAffinity)) {
    report(path, 'must be an object');
    return;
  }
  const preferred = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  const required = antiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if ((preferred === undefined) === (required === undefined)) {
    report(
      path,
      'set exactly one of preferredDuringSchedulingIgnoredDuringExecution or requiredDuringSchedulingIgnoredDuringExecution',
    );
    return;
  }
  if (preferred === undefined) return;
  const weight = isRecord(preferred) ? preferred.weight : undefined;
  if (!isNonNegativeInteger(weight) || weight < 1 || weight > 100) {
    report(`${path}.preferredDuringSchedulingIgnoredDuringExecution.weight`, 'must be between 1 and 100');
  }
}

function validateProgressThreshold(canary: CanaryStrategy, report: ReportProblem): void {
  const threshold: unknown = canary.replicaProgressThreshold;
  if (threshold === undefined) return;
  const path = `${CANARY_PATH}.replicaProgressThreshold`;
  if (!isRecord(threshold) || (threshold.type !== 'Percent' && threshold.type !== 'Pods')) {
    report(`${path}.type`, 'must be Percent or Pods');
    return;
  }
  const value = threshold.value;
  const valueProblem = integerProblem(value, 0, threshold.type === 'Percent' ? 100 : undefined);
  if (valueProblem) report(`${path}.value`, valueProblem);
}
