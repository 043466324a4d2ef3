import type { CliIo, Command } from './command.js';
import { InputError } from '../manifests/errors.js';
import { EXIT, UsageError } from './command.js';
import { commands, findCommand } from './registry.js';

export const PROGRAM = 'truesplit';

/** Run as `kubectl-truesplit` (kubectl's plugin naming), the program is shown to people as `kubectl truesplit`. */
export function programName(scriptPath: string | undefined): string {
  const script = scriptPath?.split(/[\\/]/).pop() ?? '';
  return script.startsWith('kubectl-truesplit') ? 'kubectl truesplit' : PROGRAM;
}

/** Help texts are written for `truesplit`; as a kubectl plugin the program is `kubectl truesplit`. */
function forProgram(text: string, program: string): string {
  return program === PROGRAM ? text : text.replace(/(^|Usage: |\n {2})truesplit\b/g, `$1${program}`);
}

export function renderGeneralHelp(program: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}   ${command.summary}`).join('\n');
  return [
    `${program}: canary rollouts for Kubernetes and Istio (Argo Rollouts API), with the traffic split every caller gets.`,
    '',
    `Usage: ${program} <command> [flags]`,
    '',
    'Commands:',
    list,
    '',
    `Run '${program} <command> --help' for a command's flags.`,
    '',
  ].join('\n');
}

function wantsHelp(argv: readonly string[]): boolean {
  const beforeSeparator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  return beforeSeparator.some((arg) => arg === '--help' || arg === '-h');
}

async function runCommand(command: Command, argv: string[], io: CliIo, program: string): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout.write(forProgram(command.usage, program).trimEnd() + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${program} ${command.name}: ${error.message}\n`);
      io.stderr.write(`Run '${program} ${command.name} --help' for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof InputError) {
      io.stderr.write(`${program} ${command.name}: ${error.message}\n`);
      return EXIT.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`${program} ${command.name}: internal error: ${detail}\n`);
    return EXIT.internal;
  }
}

/** `truesplit <command> [flags]`, in-process: everything goes through `io`; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo, program = PROGRAM): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(renderGeneralHelp(program));
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' && rest[0] !== undefined ? findCommand(rest[0]) : undefined;
    io.stdout.write(topic ? forProgram(topic.usage, program).trimEnd() + '\n' : renderGeneralHelp(program));
    return EXIT.ok;
  }
  const command = findCommand(first === '--version' ? 'version' : first);
  if (!command) {
    io.stderr.write(
      `${program}: unknown command "${first}"\nRun '${program} --help' for the list of commands.\n`,
    );
    return EXIT.usage;
  }
  return runCommand(command, rest, io, program);
}
