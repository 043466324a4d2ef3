import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from './labels.js';
import { asService } from './guards.js';
import { objectRef } from './meta.js';
import type { KubeObject } from './meta.js';
import type { Rollout } from './rollout.js';
import { problemCollector } from './validate.js';
import type { ReportProblem, SourceLocation, ValidationError } from './validate.js';
import { mismatchedSelectorLabels, templateLabels } from './validate-selector.js';
import { isRecord } from './validate-values.js';
import { routingOf } from './istio-refs.js';

const CANARY_PATH = 'spec.strategy.canary';

function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default';
}

/** Existence by kind and name only: a malformed object is reported by its own shape check, not as "not found". */
function findObject(
  objects: readonly KubeObject[],
  kind: string,
  namespace: string,
  name: string,
): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && namespaceOf(o) === namespace);
}

/**
 * Rules that need the other objects of the input: referenced Services exist, are not managed by another Rollout, and
 * select the pod template (ignoring the hash label the controller injects); referenced VirtualServices and the
 * DestinationRule exist. Route-level checks (§4) belong to the Istio router.
 */
export function validateRolloutContext(
  rollout: Rollout,
  objects: readonly KubeObject[],
  source?: SourceLocation,
): ValidationError[] {
  const { errors, report } = problemCollector(objectRef(rollout), source);
  const canary = isRecord(rollout.spec.strategy) ? rollout.spec.strategy.canary : undefined;
  if (!isRecord(canary)) return errors;
  for (const [field, name] of referencedServices(rollout)) {
    checkService(rollout, objects, field, name, report);
  }
  checkIstioReferences(rollout, objects, report);
  return errors;
}

function referencedServices(rollout: Rollout): [field: string, name: string][] {
  const canary = rollout.spec.strategy.canary ?? {};
  const refs: [string, unknown][] = [
    [`${CANARY_PATH}.canaryService`, canary.canaryService],
    [`${CANARY_PATH}.stableService`, canary.stableService],
    [`${CANARY_PATH}.pingPong.pingService`, canary.pingPong?.pingService],
    [`${CANARY_PATH}.pingPong.pongService`, canary.pingPong?.pongService],
  ];
  return refs.flatMap(([field, name]) => (typeof name === 'string' && name !== '' ? [[field, name]] : []));
}

function checkService(
  rollout: Rollout,
  objects: readonly KubeObject[],
  field: string,
  name: string,
  report: ReportProblem,
): void {
  const namespace = namespaceOf(rollout);
  const found = findObject(objects, 'Service', namespace, name);
  if (!found) {
    report(field, `Service "${name}" not found in namespace "${namespace}"`);
    return;
  }
  const service = asService(found);
  if (!service) return;
  const manager = service.metadata.annotations?.[MANAGED_BY_ANNOTATION];
  if (manager !== undefined && manager !== rollout.metadata.name) {
    report(field, `Service "${name}" is managed by Rollout "${manager}"`);
  }
  const labels = templateLabels(rollout);
  if (!labels) return;
  const mismatched = mismatchedSelectorLabels(service.spec.selector ?? {}, labels, [POD_TEMPLATE_HASH_LABEL]);
  if (mismatched.length > 0) {
    report(
      field,
      `Service "${name}" selects ${mismatched.join(', ')}, which the pod template labels do not match`,
    );
  }
}

/** The references as the router and the path model resolve them (`routingOf`: Argo's `name.namespace` rule). */
function checkIstioReferences(rollout: Rollout, objects: readonly KubeObject[], report: ReportProblem): void {
  const routing = routingOf(rollout);
  for (const { field, namespace, name } of routing?.virtualServices ?? []) {
    if (!findObject(objects, 'VirtualService', namespace, name)) {
      report(field, `VirtualService "${namespace}/${name}" not found`);
    }
  }
  const dr = routing?.destinationRule;
  if (dr && !findObject(objects, 'DestinationRule', dr.namespace, dr.name)) {
    report(dr.field, `DestinationRule "${dr.namespace}/${dr.name}" not found`);
  }
}
