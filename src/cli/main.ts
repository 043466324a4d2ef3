/**
 * Process entry: `node dist/cli/main.js <command>`, and what `bin/truesplit.js` / `bin/kubectl-truesplit.js`
 * import. The only module that runs against `process`; importing it runs the CLI (tests import `run.ts` instead).
 */
import { endQuietlyOnClosedPipe, processIo } from './process-io.js';
import { programName, runCli } from './run.js';

endQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));

// Set the exit code instead of calling process.exit, so piped output is flushed first.
process.exitCode = await runCli(process.argv.slice(2), processIo(), programName(process.argv[1]));
