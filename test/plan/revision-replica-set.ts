/** A ReplicaSet as the observed split reads it: its pod-template hash and the canonical revision its pods carry. */
import { CANONICAL_REVISION_LABEL, POD_TEMPLATE_HASH_LABEL } from '../../src/api/labels.ts';
import type { ReplicaSet } from '../../src/api/workloads.ts';

/** The ReplicaSet of `hash` in `namespace`; its pod template labelled with `revision` (none: made before ADR 0181). */
export function revisionReplicaSet(
  hash: string,
  revision: string | undefined,
  namespace = 'shop',
): ReplicaSet {
  const labels = { [POD_TEMPLATE_HASH_LABEL]: hash };
  const podLabels = revision === undefined ? labels : { ...labels, [CANONICAL_REVISION_LABEL]: revision };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `rs-${hash}`, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels: podLabels }, spec: { containers: [] } },
    },
  };
}
