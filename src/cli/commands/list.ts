import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { signalFor } from '../live/connect.js';
import {
  ALL_NAMESPACES_HELP,
  ALL_NAMESPACES_OPTION,
  expectRolloutResource,
  KUBE_HELP,
  KUBE_OPTIONS,
  parseTimeout,
  WATCH_HELP,
  WATCH_OPTIONS,
} from '../live/flags.js';
import type { RolloutRow } from '../live/rollout-rows.js';
import { readRolloutRows, ROW_HEADERS, rowCells } from '../live/rollout-rows.js';
import { liveFlags, openSession, runLive } from '../live/session.js';
import { ViewPrinter } from '../live/view-printer.js';
import { showOnceOrWatch } from '../live/watch.js';
import { renderTable } from '../output.js';

const OPTIONS = { ...KUBE_OPTIONS, ...ALL_NAMESPACES_OPTION, ...WATCH_OPTIONS } as const;

function renderRows(rows: readonly RolloutRow[], namespace: string | undefined): string {
  if (rows.length === 0) {
    return namespace === undefined
      ? 'No Rollouts found.\n'
      : `No Rollouts found in namespace ${namespace}.\n`;
  }
  const all = namespace === undefined;
  const headers = all ? ['NAMESPACE', ...ROW_HEADERS] : [...ROW_HEADERS];
  return renderTable(
    headers,
    rows.map((row) => rowCells(row, all)),
  );
}

export const list: Command = {
  name: 'list',
  summary: 'List the live Rollouts of a namespace (or all) with status, step, weight and replica counts',
  usage: `Usage: truesplit list rollouts [-n NS | -A] [-w] [flags]

Prints one line per Rollout, the columns of 'kubectl argo rollouts list rollouts': NAME STRATEGY STATUS STEP
SET-WEIGHT READY DESIRED UP-TO-DATE AVAILABLE (READY is ready/current pods), with a NAMESPACE column first
under -A. 'rollout' and 'ro' are accepted for 'rollouts'.

Flags:
${ALL_NAMESPACES_HELP}
${WATCH_HELP}
${KUBE_HELP}

With -o json or yaml: {"items": [...]} with one record per Rollout (namespace, name, strategy, status, message,
step, setWeight, ready, current, desired, upToDate, available).

Exit codes: 0 listed (also when there is none), 1 the API server refused the request, 2 bad flags or no cluster
configured.

Examples:
  truesplit list rollouts -n shop
  truesplit list ro -A -w
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    expectRolloutResource(positionals[0], 'list');
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}: list rollouts`);
    if (values['all-namespaces'] && values.namespace !== undefined) {
      throw new UsageError('flags -n/--namespace and -A/--all-namespaces cannot be used together');
    }
    const timeoutMs = parseTimeout(values.timeout, values.watch);
    return runLive(io, 'list', async () => {
      const session = await openSession(io, liveFlags(values));
      const namespace = values['all-namespaces'] ? undefined : session.namespace;
      const printer = new ViewPrinter(io, session.format, values.watch === true);
      await showOnceOrWatch({
        cluster: session.cluster,
        watch: values.watch === true,
        targets: [{ kind: 'Rollout', ...(namespace === undefined ? {} : { namespace }) }],
        show: async () => {
          const rows = await readRolloutRows(session.cluster, namespace);
          printer.print({ text: () => renderRows(rows, namespace), data: { items: rows } });
        },
        timeoutMs,
        signal: signalFor(io),
      });
      return EXIT.ok;
    });
  },
};
