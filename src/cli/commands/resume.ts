import { intentCommand } from '../live/intent-command.js';

export const resume = intentCommand({
  name: 'resume',
  summary: 'Lift a manual pause of a live Rollout (spec.paused=false); pause steps need promote',
  synopsis: 'resume NAME...',
  description: `Sets spec.paused=false and nothing else: the undo of 'truesplit pause'. Today's 'kubectl argo rollouts' has
no resume (users run promote, which on a Rollout without pause conditions also skips the current step); this
verb only lifts the manual pause. It does not clear status.pauseConditions or move the step index, so a Rollout
waiting at a pause step keeps waiting: use promote for that.`,
  examples: ['resume checkout -n shop'],
  arity: 'many',
  request: () => ({ verb: 'resume' }),
  done: (name) => `rollout '${name}' resumed`,
});
