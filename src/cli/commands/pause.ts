import { intentCommand } from '../live/intent-command.js';

export const pause = intentCommand({
  name: 'pause',
  summary: 'Pause a live Rollout where it is (spec.paused=true)',
  synopsis: 'pause NAME...',
  description: `Sets spec.paused=true, as 'kubectl argo rollouts pause'. The controller stops scaling ReplicaSets and
moving through steps; traffic stays where it is. 'truesplit resume NAME' lifts the pause (and so does promote).`,
  examples: ['pause checkout -n shop'],
  arity: 'many',
  request: () => ({ verb: 'pause' }),
  done: (name) => `rollout '${name}' paused`,
});
