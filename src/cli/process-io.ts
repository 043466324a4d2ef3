import type { CliIo } from './command.js';

/** The process's own streams and environment as the CLI's `io`. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  };
}

interface ErrorEmitter {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/**
 * The reader of our output went away (`truesplit simulate -f x | head -1`): a normal end of output, as for any Unix
 * filter — `exit(0)` quietly instead of an unhandled EPIPE. Any other write error is rethrown.
 */
export function endQuietlyOnClosedPipe(stream: ErrorEmitter, exit: (code: number) => void): void {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}
