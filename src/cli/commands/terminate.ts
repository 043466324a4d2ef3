/**
 * `truesplit terminate analysisrun|experiment NAME...`, as `kubectl argo rollouts terminate`: a JSON merge patch
 * `{"spec":{"terminate":true}}` on each named object; the AnalysisRun controller then stops measuring and ends the
 * run (Argo's rules). Names are patched in order, each said as it is done.
 */
import type { KubeObject } from '../../api/meta.js';
import type { Cluster } from '../../kube/cluster.js';
import { isNotFound } from '../../kube/errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { KUBE_HELP, KUBE_OPTIONS } from '../live/flags.js';
import { LiveInputError } from '../live/input-error.js';
import { printObjects } from '../live/print.js';
import { liveFlags, openSession, runLive } from '../live/session.js';

const SYNOPSIS = 'truesplit terminate analysisrun|experiment NAME...';

interface Terminable {
  kind: 'AnalysisRun' | 'Experiment';
  /** How the done sentence names the kind (Argo's words). */
  said: string;
}

/** The resource word and its kubectl aliases (Argo's `ar`, `analysisruns`, `exp`, `experiments`). */
const RESOURCES: Readonly<Record<string, Terminable>> = {
  analysisrun: { kind: 'AnalysisRun', said: 'analysisRun' },
  analysisruns: { kind: 'AnalysisRun', said: 'analysisRun' },
  ar: { kind: 'AnalysisRun', said: 'analysisRun' },
  experiment: { kind: 'Experiment', said: 'experiment' },
  experiments: { kind: 'Experiment', said: 'experiment' },
  exp: { kind: 'Experiment', said: 'experiment' },
};

export const TERMINATE_RESOURCES: readonly string[] = ['analysisrun', 'experiment'];

/** The resource word and the names, or a UsageError naming what is missing. */
export function parseTerminateTarget(positionals: readonly string[]): {
  resource: Terminable;
  names: string[];
} {
  const [word, ...names] = positionals;
  if (word === undefined) throw new UsageError(`missing resource: ${SYNOPSIS}`);
  const resource = RESOURCES[word];
  if (!resource)
    throw new UsageError(`unknown resource "${word}": terminate takes analysisrun or experiment`);
  if (names.length === 0) throw new UsageError(`missing ${resource.kind} name: ${SYNOPSIS}`);
  return { resource, names };
}

async function terminateOne(
  cluster: Cluster,
  namespace: string,
  resource: Terminable,
  name: string,
): Promise<KubeObject> {
  try {
    return await cluster.patch(resource.kind, namespace, name, { spec: { terminate: true } });
  } catch (err) {
    if (isNotFound(err)) {
      throw new LiveInputError(`${resource.kind} "${name}" not found in namespace "${namespace}"`);
    }
    throw err;
  }
}

export const terminate: Command = {
  name: 'terminate',
  subcommands: TERMINATE_RESOURCES,
  summary: 'Terminate a live AnalysisRun or Experiment (spec.terminate: true)',
  usage: `Usage: ${SYNOPSIS} [flags]

Sets spec.terminate to true on each named AnalysisRun or Experiment, as 'kubectl argo rollouts terminate'. An
AnalysisRun stops measuring: its phase becomes Successful unless a metric already failed or erred, with the message
"Run Terminated". 'ar' and 'analysisruns' are accepted for 'analysisrun', 'exp' and 'experiments' for 'experiment'.
truesplit does not run Experiments; terminating one created by Argo Rollouts only writes the field.

Flags:
${KUBE_HELP}

Exit codes: 0 done, 1 the object was not found or the API server refused the change, 2 bad flags or no cluster
configured.

Examples:
  truesplit terminate analysisrun checkout-7c8b66fd64-2-1 -n shop
  truesplit terminate ar checkout-7c8b66fd64-2-1 checkout-7c8b66fd64-2 -n shop
  truesplit terminate experiment checkout-experiment -n shop
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, KUBE_OPTIONS, true);
    const { resource, names } = parseTerminateTarget(positionals);
    return runLive(io, 'terminate', async () => {
      const session = await openSession(io, liveFlags(values));
      const results: KubeObject[] = [];
      for (const name of names) {
        results.push(await terminateOne(session.cluster, session.namespace, resource, name));
        if (session.format === 'human') io.stdout.write(`${resource.said} '${name}' terminated\n`);
      }
      if (session.format !== 'human') printObjects(io, session.format, results, []);
      return EXIT.ok;
    });
  },
};
