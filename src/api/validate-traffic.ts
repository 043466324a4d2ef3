import type { TrafficRouting } from './rollout.js';
import type { ReportProblem } from './validate-values.js';
import { isRecord } from './validate-values.js';

const TRAFFIC_PATH = 'spec.strategy.canary.trafficRouting';
/** Keys of `trafficRouting` that are settings, not routers. */
const ROUTING_SETTINGS = new Set(['managedRoutes', 'maxTrafficWeight']);

export function validateTrafficRouting(trafficRouting: TrafficRouting, report: ReportProblem): void {
  const routers = Object.keys(trafficRouting).filter((key) => !ROUTING_SETTINGS.has(key));
  if (routers.length === 0) report(TRAFFIC_PATH, 'must configure a traffic router (istio)');
  // Other routers are valid under Argo: held as unsupported (compat-rules.ts), not rejected.
  if (routers.includes('istio')) validateIstio(trafficRouting.istio, report);
  validateMaxTrafficWeight(trafficRouting, report);
  validateManagedRoutes(trafficRouting.managedRoutes, report);
}

function validateMaxTrafficWeight(trafficRouting: TrafficRouting, report: ReportProblem): void {
  const maxTrafficWeight = trafficRouting.maxTrafficWeight;
  if (maxTrafficWeight === undefined) return;
  const path = `${TRAFFIC_PATH}.maxTrafficWeight`;
  if (trafficRouting.istio !== undefined) {
    report(path, 'is not supported with Istio: Istio route weights always total 100');
  } else if (
    typeof maxTrafficWeight !== 'number' ||
    !Number.isInteger(maxTrafficWeight) ||
    maxTrafficWeight < 1
  ) {
    report(path, 'must be a positive integer');
  }
}

function validateIstio(istio: unknown, report: ReportProblem): void {
  const path = `${TRAFFIC_PATH}.istio`;
  if (!isRecord(istio)) {
    report(path, 'must be an object');
    return;
  }
  const { virtualService, virtualServices, destinationRule } = istio;
  if ((virtualService === undefined) === (virtualServices === undefined)) {
    report(path, 'set exactly one of virtualService or virtualServices');
  } else if (virtualService !== undefined) {
    validateVirtualServiceRef(virtualService, `${path}.virtualService`, report);
  } else if (!Array.isArray(virtualServices) || virtualServices.length === 0) {
    report(`${path}.virtualServices`, 'must be a non-empty list');
  } else {
    virtualServices.forEach((ref: unknown, index) =>
      validateVirtualServiceRef(ref, `${path}.virtualServices[${index}]`, report),
    );
  }
  if (destinationRule !== undefined)
    validateDestinationRuleRef(destinationRule, `${path}.destinationRule`, report);
}

function validateVirtualServiceRef(ref: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(ref)) {
    report(path, 'must be an object');
    return;
  }
  if (typeof ref.name !== 'string' || ref.name === '') report(`${path}.name`, 'required');
  const routes = ref.routes;
  if (
    routes !== undefined &&
    (!Array.isArray(routes) || !routes.every((r) => typeof r === 'string' && r !== ''))
  ) {
    report(`${path}.routes`, 'must be a list of HTTP route names');
  }
}

function validateDestinationRuleRef(ref: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(ref)) {
    report(path, 'must be an object');
    return;
  }
  for (const field of ['name', 'canarySubsetName', 'stableSubsetName']) {
    const value = ref[field];
    if (typeof value !== 'string' || value === '') report(`${path}.${field}`, 'required');
  }
  if (typeof ref.canarySubsetName === 'string' && ref.canarySubsetName === ref.stableSubsetName) {
    report(`${path}.stableSubsetName`, 'must differ from canarySubsetName');
  }
}

function validateManagedRoutes(managedRoutes: unknown, report: ReportProblem): void {
  if (managedRoutes === undefined) return;
  const path = `${TRAFFIC_PATH}.managedRoutes`;
  if (!Array.isArray(managedRoutes)) {
    report(path, 'must be a list');
    return;
  }
  const seen = new Set<string>();
  managedRoutes.forEach((route: unknown, index) => {
    const name = isRecord(route) ? route.name : undefined;
    if (typeof name !== 'string' || name === '') report(`${path}[${index}].name`, 'required');
    else if (seen.has(name)) report(`${path}[${index}].name`, `duplicate managed route "${name}"`);
    else seen.add(name);
  });
}

/** Names listed in `trafficRouting.managedRoutes` (empty when absent or malformed). */
export function managedRouteNames(trafficRouting: TrafficRouting | undefined): Set<string> {
  const routes: unknown = trafficRouting?.managedRoutes;
  if (!Array.isArray(routes)) return new Set();
  return new Set(
    routes.flatMap((route: unknown) =>
      isRecord(route) && typeof route.name === 'string' ? [route.name] : [],
    ),
  );
}
