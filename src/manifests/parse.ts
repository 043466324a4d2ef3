import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document } from 'yaml';
import { isRecord } from '../api/validate-values.js';
import type { KubeObject } from '../api/meta.js';
import { generatedName, objectIdentityProblem } from './object-identity.js';
import type { IdentityProblem } from './object-identity.js';

/** One object read from a manifest, with where it came from. */
export interface LoadedObject {
  object: KubeObject;
  /** The path as given (joined with the directory for directory inputs), or `<stdin>`. */
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** 1-based line of a field path such as `spec.strategy.canary.steps[2].setWeight` (nearest existing ancestor). */
  lineOf(fieldPath: string): number;
  /** The manifest gave no `metadata.namespace`: `default` was filled in (a `create` puts it in `-n` instead). */
  namespaceDefaulted?: true;
}

export interface LoadError {
  file: string;
  line?: number;
  field?: string;
  message: string;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: LoadError[];
}

/**
 * Aliases a document may expand (the YAML library's own default): enough for hand-written anchors, and what stops a
 * billion-laughs file from expanding into gigabytes.
 */
export const MAX_ALIAS_COUNT = 100;
const DEFAULT_NAMESPACE = 'default';
/** Kinds that live outside namespaces: they do not get the `default` namespace. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterAnalysisTemplate',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'PriorityClass',
  'IngressClass',
  'APIService',
]);

/** `file:line: field: message`. */
export function formatLoadError(error: LoadError): string {
  const location = error.line ? `${error.file}:${error.line}` : error.file;
  return `${location}: ${error.field ? `${error.field}: ` : ''}${error.message}`;
}

/**
 * Parse one file's text (YAML or JSON, possibly several documents) into `result`. Pure apart from the given name.
 * Objects are appended one by one (never spread), so a file of any number of documents fits the call stack.
 */
export function parseManifests(text: string, file: string, result: LoadResult = emptyResult()): LoadResult {
  const lineCounter = new LineCounter();
  // logLevel 'error': the library's warnings (e.g. a map key that is itself a map) are not printed to stderr.
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  if (!Array.isArray(documents)) return result;
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  for (const document of documents) parseDocument(document, { document, file, lineAt, text }, result);
  return result;
}

function emptyResult(): LoadResult {
  return { objects: [], errors: [] };
}

interface DocumentContext {
  document: Document.Parsed;
  file: string;
  text: string;
  lineAt(offset: number): number;
}

function parseDocument(document: Document.Parsed, context: DocumentContext, result: LoadResult): void {
  const [error] = document.errors;
  if (error) {
    // Errors found at the end of the input (an unclosed bracket) point at the last line with content.
    const offset = Math.min(error.pos[0], Math.max(0, context.text.trimEnd().length - 1));
    result.errors.push({ file: context.file, line: context.lineAt(offset), message: error.message });
    return;
  }
  const contents = document.contents;
  if (contents === null || (isNode(contents) && contents.range === undefined)) return;
  const value = documentValue(context);
  if ('error' in value) {
    result.errors.push(value.error);
    return;
  }
  if (value.value === null || value.value === undefined) return;
  collectObjects(value.value, [], context, result);
}

/** The document as plain data, or why it cannot be: an alias without its anchor, or too many aliases. */
function documentValue(context: DocumentContext): { value: unknown } | { error: LoadError } {
  const { document, file } = context;
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = /unresolved alias[^:]*: (.+)$/i.exec(message)?.[1];
    const line = context.lineAt(aliasOffset(document, name) ?? document.range[0]);
    if (/excessive alias count/i.test(message)) {
      return {
        error: {
          file,
          line,
          message: `too many YAML aliases: more than ${MAX_ALIAS_COUNT} expansions in one document (write the values out)`,
        },
      };
    }
    if (name !== undefined) {
      return { error: { file, line, message: `YAML alias *${name} has no anchor &${name} before it` } };
    }
    return { error: { file, line, message: `cannot read this YAML document: ${message}` } };
  }
}

/** Offset of the first alias named `name` (any alias without a name): where an alias problem starts. */
function aliasOffset(document: Document.Parsed, name: string | undefined): number | undefined {
  let offset: number | undefined;
  visit(document, {
    Alias(_, node) {
      if (name !== undefined && node.source !== name) return undefined;
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** Add the object at `path` in the document (or the items of a `kind: List`) to the result. */
function collectObjects(
  value: unknown,
  path: (string | number)[],
  context: DocumentContext,
  result: LoadResult,
): void {
  const locate = locator(context, path);
  if (isRecord(value) && value.kind === 'List' && value.items !== undefined) {
    if (!Array.isArray(value.items)) {
      const problem: IdentityProblem = {
        path: ['items'],
        field: 'items',
        message: 'must be a list of objects',
      };
      result.errors.push(locatedProblem(context.file, locate, problem));
      return;
    }
    value.items.forEach((item: unknown, index) =>
      collectObjects(item, [...path, 'items', index], context, result),
    );
    return;
  }
  const problem = objectIdentityProblem(value);
  if (problem) {
    result.errors.push(locatedProblem(context.file, locate, problem));
    return;
  }
  const object = value as KubeObject;
  const { name, generateName } = object.metadata;
  if ((name === undefined || name === '') && generateName !== undefined) {
    object.metadata.name = generatedName(generateName);
  }
  const namespaceDefaulted =
    object.metadata.namespace === undefined && !CLUSTER_SCOPED_KINDS.has(object.kind);
  if (namespaceDefaulted) object.metadata.namespace = DEFAULT_NAMESPACE;
  result.objects.push({
    object,
    file: context.file,
    line: locate([]),
    lineOf: (fieldPath) => locate(parseFieldPath(fieldPath)),
    ...(namespaceDefaulted ? { namespaceDefaulted: true as const } : {}),
  });
}

function locatedProblem(
  file: string,
  locate: (path: (string | number)[]) => number,
  problem: IdentityProblem,
): LoadError {
  const error: LoadError = { file, line: locate(problem.path), message: problem.message };
  if (problem.field !== undefined) error.field = problem.field;
  return error;
}

/** `spec.steps[2].setWeight` / `plugins["a/b"]` → `['spec', 'steps', 2, 'setWeight']` / `['plugins', 'a/b']`. */
export function parseFieldPath(fieldPath: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
  for (const match of fieldPath.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}

/** Line of the deepest field along `base + path` that exists in the document (a key's own line for map entries). */
function locator(context: DocumentContext, base: (string | number)[]): (path: (string | number)[]) => number {
  return (path) => {
    const full = [...base, ...path];
    for (let length = full.length; length > 0; length -= 1) {
      const offset = fieldOffset(context.document, full.slice(0, length));
      if (offset !== undefined) return context.lineAt(offset);
    }
    const contents = context.document.contents;
    return context.lineAt(isNode(contents) && contents.range ? contents.range[0] : context.document.range[0]);
  };
}

function fieldOffset(document: Document.Parsed, path: (string | number)[]): number | undefined {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  let parent: unknown = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
  if (isAlias(parent)) parent = parent.resolve(document);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    return pair && isNode(pair.key) ? pair.key.range?.[0] : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item: unknown = parent.items[last];
    return isNode(item) ? item.range?.[0] : undefined;
  }
  return undefined;
}
