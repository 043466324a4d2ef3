import { nowFor } from '../live/connect.js';
import { parseDuration } from '../live/flags.js';
import { intentCommand } from '../live/intent-command.js';

interface RestartPlan {
  now: number;
  delayMs: number;
  label: string;
}

export const restart = intentCommand<RestartPlan>({
  name: 'restart',
  summary: "Restart a live Rollout's pods (spec.restartAt), now or after --in",
  synopsis: 'restart NAME [--in DURATION]',
  description: `Sets spec.restartAt to now (or now + DURATION), as 'kubectl argo rollouts restart'. The controller then
replaces every pod created before that time, one at a time, without a new revision.`,
  options: { in: { type: 'string', short: 'i' } },
  optionsHelp: '  -i, --in DURATION     restart after DURATION (e.g. 30s, 5m, 1h); default now',
  examples: ['restart checkout -n shop', 'restart checkout -n shop --in 10m'],
  arity: 'one',
  prepare: (values, io): RestartPlan => {
    const raw = typeof values.in === 'string' ? values.in : undefined;
    return { now: nowFor(io), delayMs: raw ? parseDuration(raw, '--in') : 0, label: raw ?? '0s' };
  },
  request: (plan) => ({ verb: 'restart', at: plan.now + plan.delayMs }),
  done: (name, plan) => `rollout '${name}' restarts in ${plan.label}`,
});
