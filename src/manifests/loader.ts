import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isRecord } from '../api/validate-values.js';
import { parseManifests } from './parse.js';
import type { LoadError, LoadResult } from './parse.js';

export { formatLoadError, parseFieldPath, parseManifests } from './parse.js';
export type { LoadedObject, LoadError, LoadResult } from './parse.js';

export interface LoadOptions {
  /**
   * Reads all of standard input; required when a path is `-`. Given the size limit, it may stop early and return
   * `undefined` once more than that was sent.
   */
  readStdin?: (limitBytes: number) => Promise<string | undefined>;
}

export const STDIN_NAME = '<stdin>';
/**
 * Largest input file (and standard input) read, in bytes. Parsing YAML takes about 40 bytes of memory per byte of
 * text, so this keeps one input below ~1 GB; real manifests (the API server stores at most 1.5 MiB per object) stay
 * far below it.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Read manifests from files, directories (recursively: *.yaml, *.yml, *.json, in name order) and `-` (stdin).
 * Multi-document YAML and `kind: List` are split into objects; unknown kinds are kept for later consumers.
 */
export async function loadManifests(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { objects: [], errors: [] };
  for (const path of paths) {
    for (const file of await sourcesOf(path, result.errors)) {
      const text = await readSource(file, opts, result.errors);
      if (text !== undefined) parseManifests(text, file, result);
    }
  }
  return result;
}

/** The files a path stands for: itself, `-`, or the manifest files under a directory. */
async function sourcesOf(path: string, errors: LoadError[]): Promise<string[]> {
  if (path === '-') return [STDIN_NAME];
  try {
    if (!(await stat(path)).isDirectory()) return [path];
    const files = await manifestFilesUnder(path);
    if (files.length === 0)
      errors.push({ file: path, message: 'no *.yaml, *.yml or *.json files in this directory' });
    return files;
  } catch (error) {
    errors.push({ file: path, message: (await danglingLink(path)) ?? describeFsError(error) });
    return [];
  }
}

function tooLarge(file: string, bytes: number | undefined): LoadError {
  const size = bytes === undefined ? '' : ` (${(bytes / 1024 / 1024).toFixed(1)} MiB)`;
  return {
    file,
    message: `too large${size}: truesplit reads at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB per file; split it into several files`,
  };
}

async function readSource(file: string, opts: LoadOptions, errors: LoadError[]): Promise<string | undefined> {
  if (file === STDIN_NAME) {
    if (!opts.readStdin) {
      errors.push({ file, message: 'standard input is not available' });
      return undefined;
    }
    const text = await opts.readStdin(MAX_INPUT_BYTES);
    if (text === undefined) errors.push(tooLarge(file, undefined));
    return text;
  }
  try {
    const { size } = await stat(file);
    if (size > MAX_INPUT_BYTES) {
      errors.push(tooLarge(file, size));
      return undefined;
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    errors.push({ file, message: (await danglingLink(file)) ?? describeFsError(error) });
    return undefined;
  }
}

/** `symbolic link to a missing file (target)` when `file` is a link whose target does not exist. */
async function danglingLink(file: string): Promise<string | undefined> {
  try {
    if (!(await lstat(file)).isSymbolicLink()) return undefined;
    return `symbolic link to a missing file (${await readlink(file)})`;
  } catch {
    return undefined;
  }
}

async function manifestFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      for (const file of await manifestFilesUnder(path)) files.push(file);
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(path);
  }
  return files;
}

function describeFsError(error: unknown): string {
  const code = isRecord(error) ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return error instanceof Error ? error.message : String(error);
}
