/**
 * `service.istio.io/canonical-revision` on the pods of each ReplicaSet the controller creates (ADR 0181): the
 * pod-template hash, so Istio's `destination_canonical_revision` tells canary from stable. Added to the ReplicaSet's
 * template after the hash is computed (never part of it), never over a value the user set on the Rollout's template,
 * and left out again wherever a ReplicaSet's template is compared with the Rollout's or copied back into it.
 */
import { CANONICAL_REVISION_LABEL, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';

/** The pod labels with the canonical revision set to `hash` unless the user's own labels set one. */
export function withCanonicalRevision(
  labels: Readonly<Record<string, string>>,
  userLabels: Readonly<Record<string, string>> | undefined,
  hash: string,
): Record<string, string> {
  if (userCanonicalRevision(userLabels) !== undefined) return { ...labels };
  return { ...labels, [CANONICAL_REVISION_LABEL]: hash };
}

/**
 * Deletes, in place, the labels the controller adds to a ReplicaSet's pod template: the hash label, and the canonical
 * revision when it is the controller's (equal to the hash label); a user's own canonical revision stays.
 */
export function deleteControllerPodLabels(labels: Record<string, unknown>): void {
  const hash = labels[POD_TEMPLATE_HASH_LABEL];
  if (hash !== undefined && labels[CANONICAL_REVISION_LABEL] === hash)
    delete labels[CANONICAL_REVISION_LABEL];
  delete labels[POD_TEMPLATE_HASH_LABEL];
}

/**
 * The canonical revision the user set on the Rollout's pod template, if any: the value its next ReplicaSet's pods
 * carry (the observed split counts it as the canary's, ADR 0310).
 */
export function userCanonicalRevision(
  labels: Readonly<Record<string, string>> | undefined,
): string | undefined {
  return labels?.[CANONICAL_REVISION_LABEL];
}
