import { formatCompatWarning, formatValidationError } from '../../api/validate.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readCheckedInput } from '../input.js';
import { plural, styleFor } from '../output.js';

export const lint: Command = {
  name: 'lint',
  summary: 'Validate Rollouts and the Services, VirtualServices and DestinationRules they reference',
  usage: `Usage: truesplit lint -f PATH... [flags]

Checks every Rollout in the input against the rules truesplit enforces (the Argo Rollouts canary rules, Istio
traffic routing only), checks that the objects it references are in the input and well-formed, and simulates its
steps with the Istio router: exactly the checks simulate and analyze run before they report.

Flags:
${FILENAME_HELP}

AnalysisTemplates, ClusterAnalysisTemplates and AnalysisRuns in the input are checked too (conditions, providers,
durations, limits, args), and so is each Rollout's analysis: the templates it names, and the arguments they need.

Warnings do not change the exit code: fields valid under Argo Rollouts that truesplit does not implement (the
README's "Compatibility with Argo Rollouts" table says what happens instead), and analysis templates a Rollout
names that are not in the input (they may exist in the cluster).

Exit codes: 0 no problems, 1 problems found (listed on stdout), 2 unreadable or empty input, or bad flags.

Examples:
  truesplit lint -f examples/istio-subset
  kustomize build overlays/prod | truesplit lint -f -
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, FILENAME_OPTION, true);
    const input = await readCheckedInput(inputPaths(values.filename, positionals), io);
    if (!input) return EXIT.usage;
    const { objects, rollouts, errors, warnings } = input;
    const style = styleFor(io);
    for (const error of errors) io.stdout.write(`${style.red(formatValidationError(error))}\n`);
    for (const warning of warnings) io.stdout.write(`${style.yellow(formatCompatWarning(warning))}\n`);
    const invalid = new Set(errors.map((error) => error.object)).size;
    const summary = [
      plural(objects.length, 'object'),
      plural(rollouts.length, 'valid Rollout'),
      `${plural(errors.length, 'problem')} in ${plural(invalid, 'object')}`,
      ...(warnings.length > 0 ? [plural(warnings.length, 'warning')] : []),
    ].join(', ');
    io.stderr.write(`${errors.length === 0 ? style.green(summary) : summary}\n`);
    return errors.length === 0 ? EXIT.ok : EXIT.problems;
  },
};
