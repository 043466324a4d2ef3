import { formatLoadError, loadManifests } from '../manifests/loader.js';
import type { LoadedObject } from '../manifests/loader.js';
import { formatValidationError } from '../api/validate.js';
import { validateManifests } from '../manifests/validate.js';
import type { LoadedRollout } from '../manifests/validate.js';
import { readAllStdin, UsageError } from './command.js';
import type { CliIo } from './command.js';

/** The `-f/--filename` flag shared by every command that reads manifests. */
export const FILENAME_OPTION = { filename: { type: 'string', short: 'f', multiple: true } } as const;
export const FILENAME_HELP =
  '  -f, --filename PATH   manifest file, directory (recursive) or - for stdin; repeatable';

/** Paths from `-f` flags plus any positional arguments; a UsageError when there are none. */
export function inputPaths(
  filenames: readonly string[] | undefined,
  positionals: readonly string[],
): string[] {
  const paths = [...(filenames ?? []), ...positionals];
  if (paths.length === 0)
    throw new UsageError('no input: pass manifests with -f PATH (a file, a directory or -)');
  return paths;
}

/** Load manifests; on any read or parse error, write every error to stderr and return undefined. */
export async function readInput(paths: readonly string[], io: CliIo): Promise<LoadedObject[] | undefined> {
  const { objects, errors } = await loadManifests(paths, { readStdin: () => readAllStdin(io) });
  for (const error of errors) io.stderr.write(`${formatLoadError(error)}\n`);
  return errors.length === 0 ? objects : undefined;
}

export interface ValidatedInput {
  objects: LoadedObject[];
  rollouts: LoadedRollout[];
}

/**
 * Load and validate (shape, Rollout rules, references). Any problem is written to stderr naming the file, line, object
 * and field, and the result is undefined: commands then exit 2 with nothing on stdout.
 */
export async function readValidatedInput(
  paths: readonly string[],
  io: CliIo,
): Promise<ValidatedInput | undefined> {
  const objects = await readInput(paths, io);
  if (!objects) return undefined;
  const { rollouts, errors } = validateManifests(objects);
  for (const error of errors) io.stderr.write(`${formatValidationError(error)}\n`);
  return errors.length === 0 ? { objects, rollouts } : undefined;
}
