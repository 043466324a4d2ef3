import { formatLoadError, loadManifests } from '../api/loader.js';
import type { LoadedObject } from '../api/loader.js';
import { formatCompatWarning, formatValidationError } from '../api/validate.js';
import { isForeignObject } from '../api/loader-guards.js';
import { validateManifests } from '../api/validate-manifests.js';
import type { LoadedRollout } from '../api/validate-manifests.js';
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
  // Kinds of other API groups (App Mesh VirtualService, Gateway API Gateway) are not truesplit's: ignored.
  return errors.length === 0 ? objects.filter((entry) => !isForeignObject(entry.object)) : undefined;
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
  const { rollouts, errors, warnings } = validateManifests(objects);
  for (const error of errors) io.stderr.write(`${formatValidationError(error)}\n`);
  for (const warning of warnings) io.stderr.write(`${formatCompatWarning(warning)}\n`);
  return errors.length === 0 ? { objects, rollouts } : undefined;
}
