import { objectKey } from '../../api/meta.js';
import type { LoadedRollout } from '../../manifests/validate.js';
import { parseCommandArgs, parseOutputFlag } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION, inputPaths, readValidatedInput } from '../input.js';
import { OUTPUT_FORMATS, serialize, styleFor } from '../output.js';
import type { OutputFormat } from '../output.js';
import { buildSimulateReport, renderSimulateTable } from '../simulate-report.js';
import type { SimulateReport } from '../simulate-report.js';
import { renderSimulateManifests } from '../simulate-render.js';

const OPTIONS = {
  ...FILENAME_OPTION,
  rollout: { type: 'string' },
  output: { type: 'string', short: 'o' },
  render: { type: 'boolean' },
} as const;

/** `--rollout ns/name` picks one Rollout; a bare name matches in any namespace. */
function selectRollouts(rollouts: readonly LoadedRollout[], wanted: string | undefined): LoadedRollout[] {
  if (wanted === undefined) return [...rollouts];
  return rollouts.filter((r) =>
    wanted.includes('/') ? objectKey(r.object) === wanted : r.object.metadata.name === wanted,
  );
}

/** `--render` prints manifests (YAML) unless `-o json` asks for the report with `objects`; a table cannot show them. */
function outputFormat(output: string | undefined, render: boolean): OutputFormat {
  const format = parseOutputFlag(output, OUTPUT_FORMATS, render ? 'yaml' : 'table');
  if (render && format === 'table') {
    throw new UsageError('flag --render prints objects: use it with -o yaml (manifests) or -o json');
  }
  return format;
}

function formatReport(report: SimulateReport, format: OutputFormat, render: boolean, io: CliIo): string {
  if (format === 'table') return renderSimulateTable(report, styleFor(io));
  if (render && format === 'yaml') return renderSimulateManifests(report);
  return serialize(report, format);
}

export const simulate: Command = {
  name: 'simulate',
  summary: 'Show, step by step, the weights, pod counts and canary share of every traffic path of a Rollout',
  usage: `Usage: truesplit simulate -f PATH... [--rollout NS/NAME] [-o table|json|yaml] [--render]

Validates the input, then walks each Rollout's canary steps as the controller would and prints, for every step in
its steady state (reached, its effects applied), the canary and stable traffic weights, the pod counts of the
canary and stable ReplicaSets and the canary share each kind of caller really gets: ingress gateways (gw), in-mesh
callers (mesh), callers without a sidecar (plain), ambient callers. In the table a share marked ✖ raised an error,
⚠ a warning, ℹ an info finding; the findings follow, one line each (truesplit analyze prints their fixes).

Flags:
${FILENAME_HELP}
      --rollout NS/NAME simulate only this Rollout (NAME alone matches any namespace)
  -o, --output FORMAT   table (default), json or yaml
      --render          also show the VirtualServices and DestinationRule as truesplit writes them at each step:
                        with -o yaml (the default with --render) as manifests, one commented block per step; with
                        -o json as an "objects" list in every step

Exit codes: 0 simulated, 2 unreadable or invalid input (errors name the file, object and field) or bad flags.

Examples:
  truesplit simulate -f examples/istio-subset
  truesplit simulate -f examples/istio-subset --rollout shop/checkout -o json
  truesplit simulate -f examples/istio-host --render > payments-steps.yaml
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    const render = values.render ?? false;
    const format = outputFormat(values.output, render);
    const paths = inputPaths(values.filename, positionals);
    const input = await readValidatedInput(paths, io);
    if (!input) return EXIT.usage;
    const rollouts = selectRollouts(input.rollouts, values.rollout);
    if (rollouts.length === 0) {
      const what = values.rollout === undefined ? 'no Rollout' : `no Rollout "${values.rollout}"`;
      io.stderr.write(`truesplit simulate: ${what} in ${paths.join(', ')}\n`);
      return EXIT.usage;
    }
    const report = buildSimulateReport(rollouts, input.analysis, { render });
    io.stdout.write(formatReport(report, format, render, io));
    return EXIT.ok;
  },
};
