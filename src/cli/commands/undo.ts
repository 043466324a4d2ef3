import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { runVerb } from '../live/apply.js';
import { exactlyOneName, KUBE_HELP, KUBE_OPTIONS } from '../live/flags.js';
import { printObjects } from '../live/print.js';
import { liveFlags, openSession, runLive } from '../live/session.js';

const SYNOPSIS = 'truesplit undo NAME [--to-revision N]';

function parseRevision(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value))
    throw new UsageError(`flag --to-revision must be a revision number (got "${value}")`);
  return Number(value);
}

export const undo: Command = {
  name: 'undo',
  summary: "Roll a live Rollout back to a previous revision's pod template",
  usage: `Usage: ${SYNOPSIS} [flags]

Copies the pod template of a previous revision (the Rollout's ReplicaSet annotated rollout.argoproj.io/revision=N,
by default the one before the newest) back into the Rollout's spec.template, as 'kubectl argo rollouts undo',
without the rollouts-pod-template-hash label and without the canary/stable metadata the controller injected.
Nothing is written when the Rollout already runs that template (compared ignoring Kubernetes defaults). The
controller then rolls back: at once when the template is the stable one, else as a new canary.

Flags:
      --to-revision N   the revision to go back to (default: the previous one)
${KUBE_HELP}

Exit codes: 0 done or nothing to do, 1 no such Rollout or revision, or the API server refused the change, 2 bad
flags or no cluster configured.

Examples:
  truesplit undo checkout -n shop
  truesplit undo checkout -n shop --to-revision 3
`,
  async run(argv, io) {
    const options = { ...KUBE_OPTIONS, 'to-revision': { type: 'string' } } as const;
    const { values, positionals } = parseCommandArgs(argv, options, true);
    const name = exactlyOneName(positionals, SYNOPSIS);
    const toRevision = parseRevision(values['to-revision']);
    return runLive(io, 'undo', async () => {
      const session = await openSession(io, liveFlags(values));
      const { rollout, changed, revision } = await runVerb(session.cluster, session.namespace, name, {
        verb: 'undo',
        toRevision,
      });
      const sentence = changed
        ? `rollout '${name}' undo`
        : `skipped rollback (current template already matches revision ${revision ?? 0})`;
      printObjects(io, session.format, [rollout], [sentence]);
      return EXIT.ok;
    });
  },
};
