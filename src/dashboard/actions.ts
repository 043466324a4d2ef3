/**
 * The dashboard's mutating verbs: each HTTP action becomes the same verb request the CLI sends (`src/verbs/`), sent
 * the same way (`kube/send-verb.ts`), so a verb writes identical patches from both. Like `kubectl argo rollouts`,
 * they only express intent on the Rollout's spec or status subresource; the controller does the rest.
 */
import type { Rollout } from '../api/rollout.js';
import type { Cluster } from '../kube/cluster.js';
import { sendVerb } from '../kube/send-verb.js';
import { VerbError, type VerbRequest } from '../verbs/index.js';

export const ROLLOUT_ACTIONS = [
  'promote',
  'promote-full',
  'abort',
  'retry',
  'pause',
  'resume',
  'restart',
  'set-image',
  'undo',
] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export function isRolloutAction(value: string): value is RolloutAction {
  return (ROLLOUT_ACTIONS as readonly string[]).includes(value);
}

/** A request the caller got wrong (HTTP 400), with the field path at fault. */
export class ActionInputError extends Error {
  override readonly name = 'ActionInputError';
}

type Body = Record<string, unknown>;

function nonEmptyString(action: RolloutAction, body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new ActionInputError(`${action}: body.${field} must be a non-empty string`);
  }
  return value;
}

/** An optional whole number ≥ 0 in the body (absent: 0). */
function wholeNumber(action: RolloutAction, body: Body, field: string): number {
  const value = body[field];
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ActionInputError(`${action}: body.${field} must be a whole number ≥ 0`);
  }
  return value;
}

/**
 * The verb request of an HTTP action. Bodies: `set-image` {container, image} (container `*`: all of them);
 * `restart` {delaySeconds?}; `undo` {toRevision?} (absent or 0: the previous revision); the others take none.
 */
export function actionRequest(action: RolloutAction, body: unknown, now: number): VerbRequest {
  const fields: Body = typeof body === 'object' && body !== null ? (body as Body) : {};
  switch (action) {
    case 'restart':
      return { verb: 'restart', at: now + wholeNumber(action, fields, 'delaySeconds') * 1000 };
    case 'set-image':
      return {
        verb: 'set-image',
        container: nonEmptyString(action, fields, 'container'),
        image: nonEmptyString(action, fields, 'image'),
      };
    case 'undo':
      return { verb: 'undo', toRevision: wholeNumber(action, fields, 'toRevision') };
    default:
      return { verb: action };
  }
}

/** Sends `action` to the Rollout; a verb that does not apply to it (no such container, revision) is a 400. */
export async function runRolloutAction(
  cluster: Cluster,
  namespace: string,
  name: string,
  action: RolloutAction,
  body: unknown,
  now: number = Date.now(),
): Promise<Rollout> {
  const request = actionRequest(action, body, now);
  try {
    return (await sendVerb(cluster, namespace, name, request)).rollout;
  } catch (err) {
    if (err instanceof VerbError) throw new ActionInputError(err.message);
    throw err;
  }
}
