import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from './labels.js';
import { asService } from './guards.js';
import { objectRef } from './meta.js';
import type { KubeObject } from './meta.js';
import type { Rollout } from './rollout.js';
import { problemCollector } from './validate.js';
import type { ReportProblem, SourceLocation, ValidationError } from './validate.js';
import { mismatchedSelectorLabels, templateLabels } from './validate-selector.js';
import { isRecord } from './validate-values.js';

const CANARY_PATH = 'spec.strategy.canary';

/**
 * A VirtualService reference as Argo reads it: `name` or `name.namespace` (anything after the second dot, such as
 * `.svc.cluster.local`, is ignored); without a namespace, the Rollout's.
 */
export function parseVirtualServiceRef(
  ref: string,
  rolloutNamespace: string,
): { namespace: string; name: string } {
  const [name = ref, namespace] = ref.split('.');
  return { name, namespace: namespace || rolloutNamespace };
}

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
  const istio = isRecord(canary.trafficRouting) ? canary.trafficRouting.istio : undefined;
  if (isRecord(istio)) checkIstioReferences(rollout, objects, istio, report);
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

function virtualServiceRefs(istio: Record<string, unknown>): [field: string, name: string][] {
  const path = `${CANARY_PATH}.trafficRouting.istio`;
  const single = istio.virtualService;
  const list = Array.isArray(istio.virtualServices) ? (istio.virtualServices as unknown[]) : [];
  const refs: [string, unknown][] = isRecord(single)
    ? [[`${path}.virtualService.name`, single.name]]
    : list.map((ref, index) => [
        `${path}.virtualServices[${index}].name`,
        isRecord(ref) ? ref.name : undefined,
      ]);
  return refs.flatMap(([field, name]) => (typeof name === 'string' && name !== '' ? [[field, name]] : []));
}

function checkIstioReferences(
  rollout: Rollout,
  objects: readonly KubeObject[],
  istio: Record<string, unknown>,
  report: ReportProblem,
): void {
  const rolloutNamespace = namespaceOf(rollout);
  for (const [field, ref] of virtualServiceRefs(istio)) {
    const { namespace, name } = parseVirtualServiceRef(ref, rolloutNamespace);
    if (!findObject(objects, 'VirtualService', namespace, name)) {
      report(field, `VirtualService "${namespace}/${name}" not found`);
    }
  }
  const destinationRule = istio.destinationRule;
  const drName = isRecord(destinationRule) ? destinationRule.name : undefined;
  if (typeof drName !== 'string' || drName === '') return;
  if (!findObject(objects, 'DestinationRule', rolloutNamespace, drName)) {
    report(
      `${CANARY_PATH}.trafficRouting.istio.destinationRule.name`,
      `DestinationRule "${rolloutNamespace}/${drName}" not found`,
    );
  }
}
