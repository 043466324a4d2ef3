/**
 * The Istio router's checks as `InvalidSpec` problems of the Rollout (§2.7: "the VirtualService must exist and pass
 * the §4 route checks"): each problem names the Rollout field that points at the VirtualService at fault, and the
 * message names that object and Argo's text. Missing objects are reported by `validateRolloutContext`, not again
 * here; DestinationRule subsets stay errors of the traffic update, as in Argo (not part of its spec validation).
 */
import type { VirtualService } from '../../api/istio.js';
import type { KubeObject } from '../../api/meta.js';
import { objectRef } from '../../api/meta.js';
import type { Rollout } from '../../api/rollout.js';
import type { ValidationError } from '../../api/validate.js';
import type { RouterError } from '../router.js';
import { routingOf } from './roles.js';
import { validateIstioTrafficRouting } from './validate.js';

const ISTIO_PATH = 'spec.strategy.canary.trafficRouting.istio';

export function istioSpecProblems(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[] {
  if (!rollout.spec.strategy.canary?.trafficRouting?.istio) return [];
  const virtualServices = objects.filter(
    (o): o is VirtualService => o.kind === 'VirtualService' && routeListsWellFormed(o),
  );
  return validateIstioTrafficRouting({ rollout, virtualServices })
    .filter((e) => e.object.startsWith('VirtualService/') && e.reason !== 'VirtualServiceNotFound')
    .map((e) => ({ object: objectRef(rollout), field: rolloutField(rollout, e), message: describe(e) }));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The router reads validated shapes; a VirtualService whose route lists are not lists of objects is a shape problem
 * reported by the manifest checks (`meshShapeProblems`), so it is left out here rather than crash the router.
 */
function routeListsWellFormed(object: KubeObject): boolean {
  const spec: unknown = (object as { spec?: unknown }).spec;
  if (!isRecord(spec)) return false;
  return ['http', 'tls', 'tcp'].every((key) => {
    const routes = spec[key];
    if (routes === undefined) return true;
    return (
      Array.isArray(routes) &&
      routes.every((route) => isRecord(route) && (route.route === undefined || Array.isArray(route.route)))
    );
  });
}

/** The Rollout field that references the object at fault. */
function rolloutField(rollout: Rollout, error: RouterError): string {
  const routing = routingOf(rollout);
  if (!routing?.multiple) return `${ISTIO_PATH}.virtualService`;
  const [, namespace = '', name = ''] = error.object.split('/');
  const target = routing.virtualServices.find(
    (t) => t.name === name && (namespace === '' || t.namespace === namespace),
  );
  return target ? target.field.replace(/\.name$/, '') : `${ISTIO_PATH}.virtualServices`;
}

function describe(error: RouterError): string {
  const where = error.field ? `${error.object} ${error.field}` : error.object;
  return `${error.message} (${where})`;
}
