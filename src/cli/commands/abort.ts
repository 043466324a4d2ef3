import { intentCommand } from '../live/intent-command.js';

export const abort = intentCommand({
  name: 'abort',
  summary: 'Abort a live Rollout: traffic and pods go back to the stable version',
  synopsis: 'abort NAME...',
  description: `Sets status.abort=true on the status subresource, as 'kubectl argo rollouts abort'. The controller sends
all traffic back to the stable ReplicaSet, scales the canary down and marks the Rollout Degraded
(RolloutAborted). 'truesplit retry rollout NAME' starts the update again from the first step.`,
  examples: ['abort checkout -n shop'],
  arity: 'many',
  request: () => ({ verb: 'abort' }),
  done: (name) => `rollout '${name}' aborted`,
});
