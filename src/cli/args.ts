import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags every command understands; `--help` is handled before a command runs, so it is listed for parseArgs only. */
const COMMON_OPTIONS = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

function describeParseError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted ?? message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.replace(/^Option '([^']+)'/, 'flag $1');
    default:
      return message;
  }
}

/**
 * `node:util` parseArgs in strict mode with errors a user can act on: unknown flags and stray arguments become
 * `UsageError`s (exit code 2).
 */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

/** `-o` values: one of `allowed`, else a UsageError naming them. */
export function parseOutputFlag<F extends string>(
  value: string | undefined,
  allowed: readonly F[],
  fallback: F,
): F {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`flag -o/--output must be one of ${allowed.join(', ')} (got "${value}")`);
}
