/**
 * Process entry: `node dist/cli/main.js <command>`, and what `bin/truesplit.js` / `bin/kubectl-truesplit.js`
 * import. The only module that touches `process`; importing it runs the CLI (tests import `run.ts` instead).
 */
import type { CliIo } from './command.js';
import { programName, runCli } from './run.js';

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  };
}

// Set the exit code instead of calling process.exit, so piped output is flushed first.
process.exitCode = await runCli(process.argv.slice(2), processIo(), programName(process.argv[1]));
