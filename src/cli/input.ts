import type { ValidationError } from '../api/validate.js';
import { formatCompatWarning, formatValidationError } from '../api/validate.js';
import { isForeignObject } from '../api/guards.js';
import type { AnalyzeOptions } from '../mesh/analyze.js';
import type { ManifestAnalysis } from '../mesh/simulate-paths.js';
import { checkManifests } from '../manifests/check.js';
import { formatLoadError, loadManifests } from '../manifests/loader.js';
import type { LoadedObject } from '../manifests/loader.js';
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

/**
 * Load manifests; on any read or parse error — or when the input holds no object at all — write every error to
 * stderr and return undefined.
 */
export async function readInput(paths: readonly string[], io: CliIo): Promise<LoadedObject[] | undefined> {
  const { objects, errors } = await loadManifests(paths, { readStdin: (limit) => readAllStdin(io, limit) });
  for (const error of errors) io.stderr.write(`${formatLoadError(error)}\n`);
  if (errors.length > 0) return undefined;
  // Kinds of other API groups (App Mesh VirtualService, Gateway API Gateway) are not truesplit's: ignored.
  const own = objects.filter((entry) => !isForeignObject(entry.object));
  if (own.length === 0) {
    io.stderr.write(`${paths.join(', ')}: no Kubernetes objects in the input (empty, or only comments)\n`);
    return undefined;
  }
  return own;
}

export interface CheckedInput {
  objects: LoadedObject[];
  /** Every Rollout, valid (in input order); empty when the input is invalid. */
  rollouts: LoadedRollout[];
  /** Every problem of the input, each naming file, line, object and field. */
  errors: ValidationError[];
  /** Fields valid under Argo that truesplit does not implement, each naming file, line, object and field. */
  warnings: ValidationError[];
  /** The simulation and path analysis of every Rollout, when the input is valid. */
  analysis?: ManifestAnalysis;
}

/** Load and check the input (`checkManifests`: the same checks for every command); undefined when unreadable. */
export async function readCheckedInput(
  paths: readonly string[],
  io: CliIo,
  options: AnalyzeOptions = {},
): Promise<CheckedInput | undefined> {
  const objects = await readInput(paths, io);
  if (!objects) return undefined;
  return { objects, ...checkManifests(objects, options) };
}

export interface ValidatedInput {
  objects: LoadedObject[];
  rollouts: LoadedRollout[];
  analysis: ManifestAnalysis;
}

/**
 * Load and check the input. Any problem is written to stderr naming the file, line, object and field, and the result
 * is undefined: commands then exit 2 with nothing on stdout.
 */
export async function readValidatedInput(
  paths: readonly string[],
  io: CliIo,
  options: AnalyzeOptions = {},
): Promise<ValidatedInput | undefined> {
  const checked = await readCheckedInput(paths, io, options);
  if (!checked) return undefined;
  for (const error of checked.errors) io.stderr.write(`${formatValidationError(error)}\n`);
  for (const warning of checked.warnings) io.stderr.write(`${formatCompatWarning(warning)}\n`);
  const { objects, rollouts, analysis } = checked;
  return analysis && checked.errors.length === 0 ? { objects, rollouts, analysis } : undefined;
}
