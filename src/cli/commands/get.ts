import { renderRolloutTree } from '../../view/render-tree.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { signalFor } from '../live/connect.js';
import {
  exactlyOneName,
  expectRolloutResource,
  KUBE_HELP,
  KUBE_OPTIONS,
  parseTimeout,
  PROMETHEUS_HELP,
  PROMETHEUS_OPTION,
  WATCH_HELP,
  WATCH_OPTIONS,
} from '../live/flags.js';
import { formatShapeProblem, readRolloutView } from '../live/observe.js';
import { liveFlags, openSession, runLive } from '../live/session.js';
import { ViewPrinter } from '../live/view-printer.js';
import type { WatchTarget } from '../live/watch.js';
import { showOnceOrWatch } from '../live/watch.js';

const SYNOPSIS = 'truesplit get rollout NAME';

/** How often `-w` asks Prometheus again while an address is configured (nothing in the cluster changes then). */
export const OBSERVED_REFRESH_MS = 10_000;

/** What changes the tree: the Rollout itself, its ReplicaSets, pods and AnalysisRuns, the traffic objects next to it. */
function rolloutWatchTargets(namespace: string, name: string): WatchTarget[] {
  return [
    { kind: 'Rollout', namespace, fieldSelector: `metadata.name=${name}` },
    { kind: 'AnalysisRun', namespace, optional: true },
    ...(['ReplicaSet', 'Pod', 'Service', 'VirtualService', 'DestinationRule'] as const).map((kind) => ({
      kind,
      namespace,
    })),
  ];
}

export const get: Command = {
  name: 'get',
  summary:
    'Show a live Rollout as a tree: steps, weights, revisions, pods, and the canary share of every path',
  usage: `Usage: ${SYNOPSIS} [-w] [flags]

Reads the Rollout, its ReplicaSets and pods, and the Services, VirtualServices, DestinationRules, Gateways,
Namespaces, Sidecars and PeerAuthentications the traffic-path model needs, and prints the layout of
'kubectl argo rollouts get rollout': status and message, strategy, current step, set and actual weight, images,
replica counts, the steps, and a tree of revisions with their ReplicaSets (stable / canary) and pods, and the
AnalysisRuns of each revision (α NAME, phase, the counts of successful ✔, failed ✖, inconclusive ? and error ⚠
measurements, and the run's message). Below the
summary, the canary share every caller path really gets (gateway, mesh, plain, ambient; from where), the
diverging ones marked, and the findings that explain them, each with its fix. 'rollouts' and 'ro' are accepted
for 'rollout'.

OBSERVED is the share of the requests each path really sent in the last minute that reached the canary, read
from Istio's istio_requests_total in Prometheus when an address is given: --prometheus, else
TRUESPLIT_PROMETHEUS_ADDRESS, else the Rollout's annotation truesplit.io/prometheus-address (window:
truesplit.io/observed-window, default 1m; below truesplit.io/path-min-samples requests, default 20, the share is
'-' with the count). A failed query is one warning on stderr; the rest is shown as usual. With -w Prometheus is
asked again every 10 s.

Flags:
${WATCH_HELP}
${PROMETHEUS_HELP}
${KUBE_HELP}

With -o json or yaml the view model is printed (the same data the dashboard shows); with -w one document per
change (YAML documents separated by ---).

Exit codes: 0 shown (with -w: interrupted or --timeout passed), 1 the Rollout was not found or the API server
refused the request, 2 bad flags or no cluster configured.

Examples:
  truesplit get rollout checkout -n shop
  truesplit get ro checkout -n shop -w --timeout 10m
  truesplit get rollout checkout -o json | jq '.paths[] | select(.diverges)'
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...KUBE_OPTIONS, ...WATCH_OPTIONS, ...PROMETHEUS_OPTION },
      true,
    );
    expectRolloutResource(positionals[0], 'get');
    const name = exactlyOneName(positionals.slice(1), SYNOPSIS);
    const timeoutMs = parseTimeout(values.timeout, values.watch);
    return runLive(io, 'get', async () => {
      const session = await openSession(io, liveFlags(values));
      const printer = new ViewPrinter(io, session.format, values.watch === true);
      const reported = new Set<string>();
      const observedSource = { flag: values.prometheus, env: io.env };
      let observing = false;
      const show = async (): Promise<void> => {
        const live = await readRolloutView(session.cluster, session.namespace, name, observedSource);
        observing = live.observedAddress !== undefined;
        const lines = [...live.problems.map(formatShapeProblem), ...live.observedWarnings];
        for (const line of lines.filter((l) => !reported.has(l))) {
          reported.add(line);
          io.stderr.write(`truesplit get: ${line}\n`);
        }
        const { view } = live;
        printer.print({ text: (color) => renderRolloutTree(view, { color }), data: view });
      };
      await showOnceOrWatch({
        cluster: session.cluster,
        watch: values.watch === true,
        targets: rolloutWatchTargets(session.namespace, name),
        show,
        timeoutMs,
        signal: signalFor(io),
        refresh: { everyMs: OBSERVED_REFRESH_MS, refreshing: () => observing },
      });
      return EXIT.ok;
    });
  },
};
