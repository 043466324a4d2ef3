import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { runVerb } from '../live/apply.js';
import { KUBE_HELP, KUBE_OPTIONS } from '../live/flags.js';
import { printObjects } from '../live/print.js';
import { liveFlags, openSession, runLive } from '../live/session.js';

const SYNOPSIS = 'truesplit set image NAME CONTAINER=IMAGE';

interface ImageEdit {
  name: string;
  container: string;
  image: string;
}

function parseImageArgs(positionals: readonly string[]): ImageEdit {
  const [resource, name, assignment, ...rest] = positionals;
  if (resource !== 'image') {
    throw new UsageError(
      resource === undefined
        ? `missing "image": ${SYNOPSIS}`
        : `unknown set target "${resource}": ${SYNOPSIS}`,
    );
  }
  if (name === undefined || assignment === undefined) throw new UsageError(`missing arguments: ${SYNOPSIS}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}: ${SYNOPSIS}`);
  const parts = assignment.split('=');
  const [container, image] = parts;
  if (parts.length !== 2 || !container || !image) {
    throw new UsageError(
      `"${assignment}" is not CONTAINER=IMAGE (one "=", a name on each side): ${SYNOPSIS}`,
    );
  }
  return { name, container, image };
}

export const set: Command = {
  name: 'set',
  summary: "Set a live Rollout's container image (set image NAME CONTAINER=IMAGE)",
  usage: `Usage: ${SYNOPSIS} [flags]

Changes the image of the containers named CONTAINER in the Rollout's pod template (spec.template.spec
initContainers, containers and ephemeralContainers), as 'kubectl argo rollouts set image'. CONTAINER '*' sets
every one of them. The change is a merge patch guarded by the resourceVersion it was computed from, retried on
conflict (5 attempts); the controller then starts a canary of the new revision. A Rollout with spec.workloadRef
is refused: change the referenced workload instead.

Flags:
${KUBE_HELP}

Exit codes: 0 done, 1 no such Rollout or container, or the API server refused the change, 2 bad arguments or no
cluster configured.

Examples:
  truesplit set image checkout -n shop checkout=registry.example/checkout:1.4.2
  truesplit set image checkout -n shop '*=registry.example/checkout:1.4.2'
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, KUBE_OPTIONS, true);
    const edit = parseImageArgs(positionals);
    return runLive(io, 'set image', async () => {
      const session = await openSession(io, liveFlags(values));
      const { rollout } = await runVerb(session.cluster, session.namespace, edit.name, {
        verb: 'set-image',
        container: edit.container,
        image: edit.image,
      });
      printObjects(io, session.format, [rollout], [`rollout "${rollout.metadata.name}" image updated`]);
      return EXIT.ok;
    });
  },
};
