import { objectKey } from '../../api/meta.js';
import type { LoadedRollout } from '../../api/validate-manifests.js';
import { parseCommandArgs, parseOutputFlag } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readValidatedInput } from '../input.js';
import { OUTPUT_FORMATS, serialize, styleFor } from '../output.js';
import { buildSimulateReport, renderSimulateTable } from '../simulate-report.js';

const OPTIONS = {
  ...FILENAME_OPTION,
  rollout: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

/** `--rollout ns/name` picks one Rollout; a bare name matches in any namespace. */
function selectRollouts(rollouts: readonly LoadedRollout[], wanted: string | undefined): LoadedRollout[] {
  if (wanted === undefined) return [...rollouts];
  return rollouts.filter((r) =>
    wanted.includes('/') ? objectKey(r.object) === wanted : r.object.metadata.name === wanted,
  );
}

export const simulate: Command = {
  name: 'simulate',
  summary: 'Show, step by step, the traffic weights and pod counts a Rollout goes through',
  usage: `Usage: truesplit simulate -f PATH... [--rollout NS/NAME] [-o table|json|yaml]

Validates the input, then walks each Rollout's canary steps as the controller would and prints, for every step,
the canary and stable traffic weights and the pod counts of the canary and stable ReplicaSets.

Flags:
${FILENAME_HELP}
      --rollout NS/NAME simulate only this Rollout (NAME alone matches any namespace)
  -o, --output FORMAT   table (default), json or yaml

Exit codes: 0 simulated, 2 unreadable or invalid input (errors name the file, object and field) or bad flags.

Examples:
  truesplit simulate -f examples/istio-subset
  truesplit simulate -f examples/ --rollout rollouts-demo/istio-rollout -o json
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    const format = parseOutputFlag(values.output, OUTPUT_FORMATS, 'table');
    const paths = inputPaths(values.filename, positionals);
    const input = await readValidatedInput(paths, io);
    if (!input) return EXIT.usage;
    const rollouts = selectRollouts(input.rollouts, values.rollout);
    if (rollouts.length === 0) {
      const what = values.rollout === undefined ? 'no Rollout' : `no Rollout "${values.rollout}"`;
      io.stderr.write(`truesplit simulate: ${what} in ${paths.join(', ')}\n`);
      return EXIT.usage;
    }
    const report = buildSimulateReport(rollouts, input.objects);
    io.stdout.write(
      format === 'table' ? renderSimulateTable(report, styleFor(io)) : serialize(report, format),
    );
    return EXIT.ok;
  },
};
