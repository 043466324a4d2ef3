import { UsageError } from '../command.js';
import type { FlagValues } from '../live/intent-command.js';
import { intentCommand } from '../live/intent-command.js';
import type { StepSkip, VerbRequest } from '../../verbs/index.js';

type PromoteMode = 'step' | 'full' | StepSkip;

function promoteMode(values: FlagValues): PromoteMode {
  const current = values['skip-current-step'] === true;
  const all = values['skip-all-steps'] === true;
  if (current && all) {
    throw new UsageError('cannot use --skip-current-step and --skip-all-steps at the same time');
  }
  // Argo's precedence: a skip flag wins over --full.
  if (current) return 'current';
  if (all) return 'all';
  return values.full === true ? 'full' : 'step';
}

export const promote = intentCommand<PromoteMode>({
  name: 'promote',
  summary: 'Promote a live Rollout past its current pause or step (--full: skip every remaining step)',
  synopsis: 'promote NAME [--full]',
  description: `Promotes a Rollout paused at a canary step, sending what 'kubectl argo rollouts promote' sends:
spec.paused=false if it was set; then, on the status subresource, one of: an inconclusive step analysis is
passed (pauseConditions and controllerPause cleared, currentStepIndex + 1); else pauseConditions are cleared
(a pause step ends); else the current step is skipped (currentStepIndex + 1, e.g. at a setWeight step still
waiting for canary pods). With --full, only status.promoteFull=true (nothing when the Rollout is already fully
promoted): the controller skips every remaining step, pause and analysis; a manual pause stays until resume.
Only intent is written; the controller moves the ReplicaSets and the traffic.`,
  options: {
    full: { type: 'boolean' },
    'skip-current-step': { type: 'boolean', short: 'c' },
    'skip-all-steps': { type: 'boolean', short: 'a' },
  },
  optionsHelp: `      --full            skip every remaining step, pause and analysis
  -c, --skip-current-step  deprecated (Argo): set status.currentStepIndex to the next step
  -a, --skip-all-steps  deprecated (Argo): set status.currentStepIndex past the last step; use --full`,
  examples: ['promote checkout -n shop', 'promote checkout -n shop --full'],
  arity: 'one',
  prepare: promoteMode,
  request: (mode): VerbRequest =>
    mode === 'full'
      ? { verb: 'promote-full' }
      : mode === 'step'
        ? { verb: 'promote' }
        : { verb: 'skip-steps', skip: mode },
  done: (name, mode) => `rollout '${name}' ${mode === 'full' ? 'fully promoted' : 'promoted'}`,
});
