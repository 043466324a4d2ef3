import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { isKubeObject } from '../api/guards.js';
import type { KubeObject } from '../api/meta.js';
import { isRecord } from '../api/validate-values.js';

/** One object read from a manifest, with where it came from. */
export interface LoadedObject {
  object: KubeObject;
  /** The path as given (joined with the directory for directory inputs), or `<stdin>`. */
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** 1-based line of a field path such as `spec.strategy.canary.steps[2].setWeight` (nearest existing ancestor). */
  lineOf(fieldPath: string): number;
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

export interface LoadOptions {
  /** Reads all of standard input; required when a path is `-`. */
  readStdin?: () => Promise<string>;
}

export const STDIN_NAME = '<stdin>';
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
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
 * Read manifests from files, directories (recursively: *.yaml, *.yml, *.json, in name order) and `-` (stdin).
 * Multi-document YAML and `kind: List` are split into objects; unknown kinds are kept for later consumers.
 */
export async function loadManifests(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { objects: [], errors: [] };
  for (const path of paths) {
    const sources = await readSources(path, opts, result.errors);
    for (const { file, text } of sources) {
      const parsed = parseManifests(text, file);
      result.objects.push(...parsed.objects);
      result.errors.push(...parsed.errors);
    }
  }
  return result;
}

async function readSources(
  path: string,
  opts: LoadOptions,
  errors: LoadError[],
): Promise<{ file: string; text: string }[]> {
  if (path === '-') {
    if (!opts.readStdin) {
      errors.push({ file: STDIN_NAME, message: 'standard input is not available' });
      return [];
    }
    return [{ file: STDIN_NAME, text: await opts.readStdin() }];
  }
  try {
    if (!(await stat(path)).isDirectory()) return [{ file: path, text: await readFile(path, 'utf8') }];
    const files = await manifestFilesUnder(path);
    if (files.length === 0)
      errors.push({ file: path, message: 'no *.yaml, *.yml or *.json files in this directory' });
    return await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  } catch (error) {
    errors.push({ file: path, message: describeFsError(error) });
    return [];
  }
}

async function manifestFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await manifestFilesUnder(path)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

function describeFsError(error: unknown): string {
  const code = isRecord(error) ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Parse one file's text (YAML or JSON, possibly several documents). Pure apart from the given name. */
export function parseManifests(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const result: LoadResult = { objects: [], errors: [] };
  if (!Array.isArray(documents)) return result;
  for (const document of documents) {
    const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
    const [error] = document.errors;
    if (error) {
      // Errors found at the end of the input (an unclosed bracket) point at the last line with content.
      const offset = Math.min(error.pos[0], Math.max(0, text.trimEnd().length - 1));
      result.errors.push({ file, line: lineAt(offset), message: error.message });
      continue;
    }
    const contents = document.contents;
    if (contents === null || (isNode(contents) && contents.range === undefined)) continue;
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    collectObjects(value, [], { document, file, lineAt }, result);
  }
  return result;
}

interface DocumentContext {
  document: Document.Parsed;
  file: string;
  lineAt(offset: number): number;
}

/** Add the object at `path` in the document (or the items of a `kind: List`) to the result. */
function collectObjects(
  value: unknown,
  path: (string | number)[],
  context: DocumentContext,
  result: LoadResult,
): void {
  const locate = locator(context, path);
  const line = locate([]);
  if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
    value.items.forEach((item: unknown, index) =>
      collectObjects(item, [...path, 'items', index], context, result),
    );
    return;
  }
  const problem = describeMissingField(value);
  if (problem) {
    result.errors.push({ file: context.file, line: locate(problem.path), ...problem.error });
    return;
  }
  if (!isKubeObject(value)) {
    result.errors.push({
      file: context.file,
      line,
      field: 'metadata',
      message: 'labels and annotations must be maps of strings',
    });
    return;
  }
  if (value.metadata.namespace === undefined && !CLUSTER_SCOPED_KINDS.has(value.kind)) {
    value.metadata.namespace = DEFAULT_NAMESPACE;
  }
  result.objects.push({
    object: value,
    file: context.file,
    line,
    lineOf: (fieldPath) => locate(parseFieldPath(fieldPath)),
  });
}

function describeMissingField(
  value: unknown,
): { path: string[]; error: { field?: string; message: string } } | undefined {
  if (!isRecord(value)) {
    const found = Array.isArray(value) ? 'a list' : typeof value;
    return {
      path: [],
      error: { message: `a manifest must be an object with apiVersion, kind and metadata (found ${found})` },
    };
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '')
      return { path: [field], error: { field, message: 'required' } };
  }
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    return { path: ['metadata', 'name'], error: { field: 'metadata.name', message: 'required' } };
  }
  return undefined;
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
  const parent: unknown = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
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
