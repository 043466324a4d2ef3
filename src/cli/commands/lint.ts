import { formatValidationError } from '../../api/validate.js';
import { validateManifests } from '../../manifests/validate.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readInput } from '../input.js';
import { styleFor } from '../output.js';

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export const lint: Command = {
  name: 'lint',
  summary: 'Validate Rollouts and the Services, VirtualServices and DestinationRules they reference',
  usage: `Usage: truesplit lint -f PATH... [flags]

Checks every Rollout in the input against the rules truesplit enforces (the Argo Rollouts canary rules, Istio
traffic routing only) and checks that the objects it references are in the input.

Flags:
${FILENAME_HELP}

Exit codes: 0 no problems, 1 problems found (listed on stdout), 2 unreadable input or bad flags.

Examples:
  truesplit lint -f examples/istio-subset
  kustomize build overlays/prod | truesplit lint -f -
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, FILENAME_OPTION, true);
    const objects = await readInput(inputPaths(values.filename, positionals), io);
    if (!objects) return EXIT.usage;
    const { rollouts, errors } = validateManifests(objects);
    const style = styleFor(io);
    for (const error of errors) io.stdout.write(`${style.red(formatValidationError(error))}\n`);
    const invalid = new Set(errors.map((error) => error.object)).size;
    const summary = [
      count(objects.length, 'object'),
      count(rollouts.length, 'valid Rollout'),
      `${count(errors.length, 'problem')} in ${count(invalid, 'object')}`,
    ].join(', ');
    io.stderr.write(`${errors.length === 0 ? style.green(summary) : summary}\n`);
    return errors.length === 0 ? EXIT.ok : EXIT.problems;
  },
};
