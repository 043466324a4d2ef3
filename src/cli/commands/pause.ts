import { intentCommand } from '../live/intent-command.js';
import { pausePatches } from '../live/patches.js';

export const pause = intentCommand({
  name: 'pause',
  summary: 'Pause a live Rollout where it is (spec.paused=true)',
  synopsis: 'pause NAME...',
  description: `Sets spec.paused=true, as 'kubectl argo rollouts pause'. The controller stops scaling ReplicaSets and
moving through steps; traffic stays where it is. 'truesplit resume NAME' lifts the pause (and so does promote).`,
  examples: ['pause checkout -n shop'],
  arity: 'many',
  intent: (rollout) => ({ patches: pausePatches(), done: `rollout '${rollout.metadata.name}' paused` }),
});
