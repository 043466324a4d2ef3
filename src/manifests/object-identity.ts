import { describeValue as describeFound, isRecord } from '../api/validate-values.js';

/**
 * What every manifest must have before truesplit can name it: `apiVersion`, `kind` and `metadata.name` (or, as the
 * API server accepts, `metadata.generateName` instead) as strings, and metadata fields of the right type. Each problem names the field a user would edit and what was found.
 */
export interface IdentityProblem {
  /** Where in the document to point (the field, or its nearest existing ancestor). */
  path: string[];
  field?: string;
  message: string;
}

function requiredString(value: unknown, field: string, path: string[]): IdentityProblem | undefined {
  if (value === undefined || value === '') return { path, field, message: 'required' };
  if (typeof value === 'string') return undefined;
  const hint = typeof value === 'number' ? `; quote it: ${path.at(-1) ?? field}: "${value}"` : '';
  return { path, field, message: `must be a string (found ${describeFound(value)})${hint}` };
}

const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io/';

/** Why `value` is not a Kubernetes object truesplit can read; undefined when it is one. */
export function objectIdentityProblem(value: unknown): IdentityProblem | undefined {
  if (!isRecord(value)) {
    return {
      path: [],
      message: `a manifest must be an object with apiVersion, kind and metadata (found ${describeFound(value)})`,
    };
  }
  if (typeof value.apiVersion === 'string' && value.apiVersion.startsWith(KUSTOMIZE_GROUP)) {
    return {
      path: ['kind'],
      field: 'kind',
      message: `${String(value.kind)} is kustomize input, not a Kubernetes object: pass what it builds (kustomize build DIR | truesplit lint -f -)`,
    };
  }
  const problem =
    requiredString(value.apiVersion, 'apiVersion', ['apiVersion']) ??
    requiredString(value.kind, 'kind', ['kind']);
  return problem ?? metadataProblem(value.metadata);
}

function metadataProblem(metadata: unknown): IdentityProblem | undefined {
  if (metadata === undefined || metadata === null) {
    return { path: ['metadata'], field: 'metadata.name', message: 'required' };
  }
  if (!isRecord(metadata)) {
    return {
      path: ['metadata'],
      field: 'metadata',
      message: `must be a map (found ${describeFound(metadata)})`,
    };
  }
  const problem = nameProblem(metadata) ?? optionalString(metadata.namespace, 'namespace');
  return (
    problem ??
    stringMapProblem(metadata.labels, 'labels') ??
    stringMapProblem(metadata.annotations, 'annotations')
  );
}

/** `metadata.name` is required unless `metadata.generateName` is set: then the API server makes the name up. */
function nameProblem(metadata: Record<string, unknown>): IdentityProblem | undefined {
  const hasName = metadata.name !== undefined && metadata.name !== '';
  if (!hasName && metadata.generateName !== undefined && metadata.generateName !== '') {
    return optionalString(metadata.generateName, 'generateName');
  }
  return requiredString(metadata.name, 'metadata.name', ['metadata', 'name']);
}

export const GENERATED_NAME_MARKER = '<generated>';

/**
 * The name truesplit gives an object read with only `metadata.generateName`: the prefix and a marker no Kubernetes
 * name can contain, so nothing in the input can reference the object by name (as nothing could before it exists).
 */
export function generatedName(generateName: string): string {
  return `${generateName}${GENERATED_NAME_MARKER}`;
}

/** The object was read with `generateName` only: in a cluster each copy would get a name of its own. */
export function hasGeneratedName(metadata: { name: string; generateName?: string }): boolean {
  return metadata.generateName !== undefined && metadata.name === generatedName(metadata.generateName);
}

function optionalString(value: unknown, key: string): IdentityProblem | undefined {
  return value === undefined ? undefined : requiredString(value, `metadata.${key}`, ['metadata', key]);
}

function stringMapProblem(value: unknown, key: 'labels' | 'annotations'): IdentityProblem | undefined {
  if (value === undefined) return undefined;
  const field = `metadata.${key}`;
  if (!isRecord(value)) {
    return {
      path: ['metadata', key],
      field,
      message: `must be a map of strings (found ${describeFound(value)})`,
    };
  }
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
  if (!bad) return undefined;
  const [name, found] = bad;
  return {
    path: ['metadata', key, name],
    field: `${field}["${name}"]`,
    message: `must be a string (found ${describeFound(found)}); quote it`,
  };
}
