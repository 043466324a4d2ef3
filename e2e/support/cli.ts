/** Running `truesplit` in-process against the test control plane: the same code path as the binary in a terminal. */
import { Readable } from 'node:stream';
import type { LiveIo } from '../../src/cli/live/connect.ts';
import { runCli } from '../../src/cli/run.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `truesplit ARGV -n NAMESPACE --kubeconfig KUBECONFIG`, output captured, not a TTY. `signal` ends a `-w` command
 * as Ctrl-C would.
 */
export async function runTruesplit(
  kubeconfigPath: string,
  namespace: string,
  argv: readonly string[],
  signal?: AbortSignal,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: LiveIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    isTTY: false,
    env: {},
    ...(signal ? { signal } : {}),
  };
  const code = await runCli([...argv, '-n', namespace, '--kubeconfig', kubeconfigPath], io);
  return { code, stdout, stderr };
}
