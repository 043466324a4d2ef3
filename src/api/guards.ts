import type { VirtualService } from './istio.js';
import { ISTIO_NETWORKING_GROUP, ROLLOUT_API_VERSION } from './labels.js';
import type { KubeObject } from './meta.js';
import type { Rollout } from './rollout.js';
import type { Service } from './workloads.js';
import { isRecord } from './validate-values.js';

/**
 * Type guards at the I/O boundary: parsed YAML is `unknown` until one of these says what it is. Each guard checks the
 * kind, the API group and the shape the TypeScript type promises (objects where objects are declared, lists where
 * lists are); field-level rules are validation's job (`validateRollout`), which reads values defensively.
 */

/** Why an object of a known kind does not have the shape its type promises, as `{field, message}`; undefined if it does. */
export type ShapeProblem = { field: string; message: string } | undefined;

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

function isOptionalList(value: unknown): boolean {
  return value === undefined || Array.isArray(value);
}

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'].map((version) => `${ISTIO_NETWORKING_GROUP}/${version}`);
const SECURITY_VERSIONS = ['v1', 'v1beta1'].map((version) => `security.istio.io/${version}`);

/** Shape checks per kind: the API versions accepted and what `spec` must look like. */
const SHAPES: Record<
  string,
  { apiVersions: string[]; spec: (spec: Record<string, unknown>) => ShapeProblem }
> = {
  Rollout: {
    apiVersions: [ROLLOUT_API_VERSION],
    spec: (spec) =>
      isRecord(spec.strategy)
        ? undefined
        : { field: 'spec.strategy', message: 'required: set spec.strategy.canary' },
  },
  Service: {
    apiVersions: ['v1'],
    spec: (spec) =>
      spec.selector === undefined || isStringMap(spec.selector)
        ? isOptionalList(spec.ports)
          ? undefined
          : { field: 'spec.ports', message: 'must be a list' }
        : { field: 'spec.selector', message: 'must be a map of label to value' },
  },
  VirtualService: {
    apiVersions: ISTIO_VERSIONS,
    spec: (spec) => {
      const list = ['hosts', 'gateways', 'http', 'tls', 'tcp', 'exportTo'].find(
        (f) => !isOptionalList(spec[f]),
      );
      return list ? { field: `spec.${list}`, message: 'must be a list' } : undefined;
    },
  },
  DestinationRule: {
    apiVersions: ISTIO_VERSIONS,
    spec: (spec) =>
      typeof spec.host !== 'string'
        ? { field: 'spec.host', message: 'required' }
        : isOptionalList(spec.subsets)
          ? undefined
          : { field: 'spec.subsets', message: 'must be a list' },
  },
  Gateway: {
    apiVersions: ISTIO_VERSIONS,
    spec: (spec) =>
      isOptionalList(spec.servers) ? undefined : { field: 'spec.servers', message: 'must be a list' },
  },
  Sidecar: {
    apiVersions: ISTIO_VERSIONS,
    spec: (spec) =>
      isOptionalList(spec.egress) ? undefined : { field: 'spec.egress', message: 'must be a list' },
  },
  PeerAuthentication: { apiVersions: SECURITY_VERSIONS, spec: () => undefined },
  // Analysis specs are checked field by field in src/analysis (validate-template.ts).
  AnalysisTemplate: { apiVersions: [ROLLOUT_API_VERSION], spec: () => undefined },
  ClusterAnalysisTemplate: { apiVersions: [ROLLOUT_API_VERSION], spec: () => undefined },
  AnalysisRun: { apiVersions: [ROLLOUT_API_VERSION], spec: () => undefined },
  ReplicaSet: {
    apiVersions: ['apps/v1'],
    spec: (spec) => (isRecord(spec.selector) ? undefined : { field: 'spec.selector', message: 'required' }),
  },
};

/** Kinds without a `spec` (or whose spec truesplit never reads). */
const SPECLESS_KINDS: Record<string, string[]> = { Namespace: ['v1'], Pod: ['v1'] };

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * An object whose kind truesplit reads but of another API group (an App Mesh `VirtualService`, a Gateway API
 * `Gateway`): not truesplit's, ignored as Argo ignores it.
 */
export function isForeignObject(object: KubeObject): boolean {
  const versions = SHAPES[object.kind]?.apiVersions ?? SPECLESS_KINDS[object.kind];
  if (!versions) return false;
  const group = apiGroup(object.apiVersion);
  return !versions.some((version) => apiGroup(version) === group);
}

/** Every kind truesplit reads, for "did you mean" hints on a kind spelled in another case. */
export const KNOWN_KINDS: readonly string[] = [...Object.keys(SHAPES), ...Object.keys(SPECLESS_KINDS)];

/**
 * For an object of a kind truesplit reads, why it does not match its type (wrong API version, missing spec, …).
 * Undefined for well-shaped objects, for kinds truesplit does not read and for other API groups' kinds.
 */
export function shapeProblem(object: KubeObject): ShapeProblem {
  const shape = SHAPES[object.kind];
  if (!shape || isForeignObject(object)) return undefined;
  if (!shape.apiVersions.includes(object.apiVersion)) {
    return { field: 'apiVersion', message: `must be one of ${shape.apiVersions.join(', ')}` };
  }
  const spec: unknown = (object as KubeObject & { spec?: unknown }).spec;
  if (!isRecord(spec)) return { field: 'spec', message: 'required' };
  return shape.spec(spec);
}

function guard<T extends KubeObject>(kind: T['kind']): (object: KubeObject) => T | undefined {
  return (object) => {
    if (object.kind !== kind || isForeignObject(object)) return undefined;
    const specless = SPECLESS_KINDS[kind];
    if (specless) return specless.includes(object.apiVersion) ? (object as T) : undefined;
    return shapeProblem(object) === undefined ? (object as T) : undefined;
  };
}

export const asRollout = guard<Rollout>('Rollout');
export const asService = guard<Service>('Service');
export const asVirtualService = guard<VirtualService>('VirtualService');

/** Every object of one kind that passes its guard, e.g. `objectsOfKind(objects, asService)`. */
export function objectsOfKind<T extends KubeObject>(
  objects: readonly KubeObject[],
  as: (object: KubeObject) => T | undefined,
): T[] {
  return objects.flatMap((object) => {
    const typed = as(object);
    return typed ? [typed] : [];
  });
}
