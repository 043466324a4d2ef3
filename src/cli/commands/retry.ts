import { intentCommand } from '../live/intent-command.js';

export const retry = intentCommand({
  name: 'retry',
  summary: 'Retry an aborted live Rollout from its first step',
  synopsis: 'retry rollout NAME...',
  description: `Sets status.abort=false on the status subresource, as 'kubectl argo rollouts retry rollout'. The
controller records RolloutRetry and starts the update again from step 0.`,
  examples: ['retry rollout checkout -n shop'],
  arity: 'many',
  resourceWord: true,
  request: () => ({ verb: 'retry' }),
  done: (name) => `rollout '${name}' retried`,
});
