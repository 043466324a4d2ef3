/** Why a verb cannot be carried out on this Rollout, named by object and field. */
import type { Rollout } from '../api/rollout.js';

/** The verb does not apply to this Rollout (no such container or revision, no steps to skip, no template). */
export class VerbError extends Error {
  override readonly name = 'VerbError';
}

/** `Rollout shop/checkout`: how messages name a Rollout. */
export function rolloutRef(rollout: Rollout): string {
  return `Rollout ${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`;
}
