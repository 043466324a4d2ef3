/** What a command may touch: injected so every command runs in-process in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Standard input as chunks (`process.stdin` or `Readable.from([...])` in tests). */
  stdin: AsyncIterable<string | Uint8Array>;
  /** Whether stdout is a terminal (colour and human-oriented defaults). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** A `truesplit <name>` subcommand. Add one by writing a file under `commands/` and one export line in its index. */
export interface Command {
  name: string;
  /** One line for `truesplit --help`. */
  summary: string;
  /** Full help text for `truesplit <name> --help`. */
  usage: string;
  /** Words that may follow the command name (`terminate analysisrun`), offered by shell completion. */
  subcommands?: readonly string[];
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The command ran and found problems (lint errors, error findings). */
  problems: 1,
  /** Bad flags, or input that cannot be read or is invalid. */
  usage: 2,
  /** A bug: an unexpected exception. */
  internal: 3,
} as const;

/** Bad flags or arguments: reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Read all of standard input as UTF-8; undefined as soon as more than `limitBytes` arrived (the rest is not read). */
export async function readAllStdin(io: CliIo, limitBytes = Infinity): Promise<string | undefined> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of io.stdin) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > limitBytes) return undefined;
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
