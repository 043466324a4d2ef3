import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  isTTY?: boolean;
  env?: Record<string, string>;
  program?: string;
}

/** Run the CLI in-process with captured output. */
export async function runTruesplit(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
  };
  const code = await runCli(argv, io, options.program);
  return { code, stdout, stderr };
}
