/** Requests that reach the cluster but cannot be carried out, named by object and field. */
import type { Rollout } from '../../api/rollout.js';

/** A request that reached the cluster but cannot be carried out (no such Rollout, container, revision): exit 1. */
export class LiveInputError extends Error {
  override readonly name = 'LiveInputError';
}

/** `Rollout shop/checkout`: how messages name a Rollout. */
export function rolloutRef(rollout: Rollout): string {
  return `Rollout ${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`;
}
