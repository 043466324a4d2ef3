/**
 * `truesplit create -f FILE...`, as `kubectl argo rollouts create`: the Rollouts, Experiments, AnalysisTemplates,
 * ClusterAnalysisTemplates and AnalysisRuns of the files, created in input order. Nothing is written until every
 * object has passed: the whole input is read and checked first (each problem naming file, line, object and field,
 * exit 2), then the API server is asked whether each object's resource is served and its name free (exit 1), and
 * only then is the first object created.
 */
import { formatCompatWarning, formatValidationError, type ValidationError } from '../../api/validate.js';
import { objectRef, type KubeObject } from '../../api/meta.js';
import type { Cluster, KindName } from '../../kube/cluster.js';
import { RESOURCE_KINDS } from '../../kube/cluster.js';
import { isNotFound } from '../../kube/errors.js';
import { formatLoadError, loadManifests, type LoadedObject } from '../../manifests/loader.js';
import { hasGeneratedName } from '../../manifests/object-identity.js';
import { validateObjectsAlone } from '../../manifests/validate.js';
import { readAllStdin, type CliIo } from '../command.js';
import { LiveInputError } from './input-error.js';

/** The kinds `create` makes (Argo's list), by kind name. */
export const CREATABLE_KINDS: readonly KindName[] = [
  'Rollout',
  'Experiment',
  'AnalysisTemplate',
  'ClusterAnalysisTemplate',
  'AnalysisRun',
];
const CREATE_GROUP = 'argoproj.io';

/** An object ready to be created: its kind, the namespace it goes to, and where it was read. */
export interface CreatePlanEntry {
  kind: KindName;
  object: KubeObject;
  source: LoadedObject;
}

export interface CreatePlan {
  entries: CreatePlanEntry[];
  errors: ValidationError[];
  warnings: ValidationError[];
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

function kindProblem(entry: LoadedObject): ValidationError | undefined {
  const { kind, apiVersion } = entry.object;
  if (groupOf(apiVersion) === CREATE_GROUP && (CREATABLE_KINDS as readonly string[]).includes(kind)) {
    return undefined;
  }
  return {
    object: objectRef(entry.object),
    field: 'kind',
    message: `creates of ${groupOf(apiVersion) || 'core'}/${kind} are not supported: truesplit create makes ${CREATABLE_KINDS.join(', ')} (argoproj.io); apply other objects with kubectl`,
    file: entry.file,
    line: entry.lineOf('kind'),
  };
}

/**
 * The namespace an object goes to, as kubectl decides it: the one written in the manifest, else `-n` (else, once the
 * cluster is opened, the context's: undefined here). A written namespace that differs from `-n` is an error.
 */
function targetNamespace(
  entry: LoadedObject,
  explicit: string | undefined,
): { namespace?: string; error?: ValidationError } {
  if (!RESOURCE_KINDS[entry.object.kind as KindName].namespaced) return {};
  const written = entry.namespaceDefaulted ? undefined : entry.object.metadata.namespace;
  if (written === undefined || explicit === undefined || written === explicit) {
    const namespace = written ?? explicit;
    return namespace === undefined ? {} : { namespace };
  }
  const message = `namespace "${written}" does not match --namespace "${explicit}": drop one, or make them agree`;
  const error = { object: objectRef(entry.object), field: 'metadata.namespace', message };
  return { error: { ...error, file: entry.file, line: entry.lineOf('metadata.namespace') } };
}

/** The object as sent: a `generateName` object without the stand-in name; no namespace until one is decided. */
function toCreate(entry: LoadedObject, namespace: string | undefined): KubeObject {
  const object = structuredClone(entry.object);
  if (hasGeneratedName(object.metadata)) object.metadata.name = '';
  if (namespace === undefined) delete object.metadata.namespace;
  else object.metadata.namespace = namespace;
  return object;
}

/** Namespaced objects that took no namespace from the manifest or `-n` go to the context's namespace. */
export function inNamespace(entries: readonly CreatePlanEntry[], namespace: string): CreatePlanEntry[] {
  return entries.map((entry) => {
    if (!RESOURCE_KINDS[entry.kind].namespaced || entry.object.metadata.namespace !== undefined) return entry;
    return { ...entry, object: { ...entry.object, metadata: { ...entry.object.metadata, namespace } } };
  });
}

const EXPERIMENT_WARNING =
  'truesplit does not run Experiments: it is created as written, and only Argo Rollouts would run it';

/** Every check that needs no cluster; `namespace` is `-n` when given. Pure apart from reading the objects given. */
export function planCreate(loaded: readonly LoadedObject[], namespace: string | undefined): CreatePlan {
  const kindErrors = loaded.flatMap((entry) => kindProblem(entry) ?? []);
  if (kindErrors.length > 0) return { entries: [], errors: kindErrors, warnings: [] };
  const { errors, warnings } = validateObjectsAlone(loaded);
  const entries: CreatePlanEntry[] = [];
  for (const source of loaded) {
    const target = targetNamespace(source, namespace);
    if (target.error) errors.push(target.error);
    const kind = source.object.kind as KindName;
    if (kind === 'Experiment') {
      const warning = { object: objectRef(source.object), field: 'kind', message: EXPERIMENT_WARNING };
      warnings.push({ ...warning, file: source.file, line: source.line });
    }
    entries.push({ kind, object: toCreate(source, target.namespace), source });
  }
  return errors.length > 0 ? { entries: [], errors, warnings } : { entries, errors: [], warnings };
}

/** Reads the files; load errors and problems go to stderr. Undefined when anything is wrong (exit 2). */
export async function readCreatePlan(
  paths: readonly string[],
  io: CliIo,
  namespace: string | undefined,
): Promise<CreatePlan | undefined> {
  const { objects, errors } = await loadManifests(paths, { readStdin: (limit) => readAllStdin(io, limit) });
  for (const error of errors) io.stderr.write(`${formatLoadError(error)}\n`);
  if (errors.length > 0) return undefined;
  if (objects.length === 0) {
    io.stderr.write(`${paths.join(', ')}: no Kubernetes objects in the input (empty, or only comments)\n`);
    return undefined;
  }
  const plan = planCreate(objects, namespace);
  for (const error of plan.errors) io.stderr.write(`${formatValidationError(error)}\n`);
  for (const warning of plan.warnings) io.stderr.write(`${formatCompatWarning(warning)}\n`);
  return plan.errors.length > 0 ? undefined : plan;
}

/** `rollout.argoproj.io/checkout`: how Argo (and kubectl) name what was created. */
export function createdName(kind: KindName, name: string): string {
  return `${kind.toLowerCase()}.${RESOURCE_KINDS[kind].group}/${name}`;
}

/**
 * Before the first write: each resource is served (its CRD installed) and each name is free. A list filtered by
 * name answers both without needing the object to exist.
 */
export async function checkCreatable(cluster: Cluster, entries: readonly CreatePlanEntry[]): Promise<void> {
  for (const { kind, object, source } of entries) {
    const { namespace, name } = object.metadata;
    const where = `${source.file}:${source.line}: ${objectRef(object)}`;
    const options = {
      ...(namespace ? { namespace } : {}),
      ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
    };
    let found: KubeObject[];
    try {
      found = (await cluster.list(kind, options)).items;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const resource = `${RESOURCE_KINDS[kind].plural}.${RESOURCE_KINDS[kind].group}`;
      throw new LiveInputError(
        `${where}: the API server does not serve ${resource} (is its CRD installed?); nothing was created`,
      );
    }
    if (name && found.some((o) => o.metadata.name === name)) {
      throw new LiveInputError(
        `${where}: already exists${namespace ? ` in namespace "${namespace}"` : ''}; nothing was created`,
      );
    }
  }
}

/** Creates every entry in order, saying each as it is done (so a later refusal still reports the earlier ones). */
export async function createAll(
  cluster: Cluster,
  entries: readonly CreatePlanEntry[],
  onCreated: (created: KubeObject, kind: KindName) => void,
): Promise<void> {
  for (const { kind, object } of entries) {
    onCreated(await cluster.create(kind, object as never), kind);
  }
}
