import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';
import { EXIT, UsageError } from '../../src/cli/command.js';
import { analyze } from '../../src/cli/commands/analyze.js';

/** Run `truesplit analyze` in-process (as the CLI's runner does: a UsageError is exit 2). */
export async function runAnalyze(
  argv: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from([stdin]),
    isTTY: false,
    env: {},
  };
  try {
    const code = await analyze.run(argv, io);
    return { code, stdout, stderr };
  } catch (error) {
    if (error instanceof UsageError)
      return { code: EXIT.usage, stdout, stderr: `${stderr}${error.message}\n` };
    throw error;
  }
}
