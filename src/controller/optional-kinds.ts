/**
 * The kinds only the traffic-path model reads (Namespace, Gateway, Sidecar, PeerAuthentication) are optional: when
 * one cannot be listed — its CRD is not installed (404) or RBAC forbids it (403) — reconciling goes on, the model
 * runs as if there were none of it, and each evaluation carries a `crd-missing` / `rbac-forbidden` finding that
 * says so. Their informers keep retrying, so installing the CRD or granting the verb heals without a restart.
 */
import type { KindName } from '../kube/cluster.js';
import { RESOURCE_KINDS } from '../kube/cluster.js';
import type { Finding } from '../mesh/types.js';

export interface UnavailableKind {
  kind: KindName;
  reason: 'not-found' | 'forbidden';
}

/** The finding each reason raises. */
export const UNAVAILABLE_FINDING = { 'not-found': 'crd-missing', forbidden: 'rbac-forbidden' } as const;

/** `sidecars.networking.istio.io`, the name kubectl and RBAC use. */
export function resourceName(kind: KindName): string {
  const { plural, group } = RESOURCE_KINDS[kind];
  return group ? `${plural}.${group}` : plural;
}

export function unavailableKindFinding({ kind, reason }: UnavailableKind): Finding {
  const resource = resourceName(kind);
  if (reason === 'not-found') {
    return {
      code: UNAVAILABLE_FINDING[reason],
      severity: 'warning',
      message: `CustomResourceDefinition ${resource} is not installed; the path model assumed there are no ${kind}s`,
      objects: [`CustomResourceDefinition//${resource}`],
      fix: `# Install Istio's CRDs, e.g. istioctl install, or: kubectl get crd ${resource}`,
      paths: [],
    };
  }
  return {
    code: UNAVAILABLE_FINDING[reason],
    severity: 'warning',
    message: `the controller may not list ${resource}; the path model assumed there are no ${kind}s`,
    objects: [`ClusterRole//truesplit-controller`],
    fix: `# Grant get, list, watch on ${resource} to the controller's ServiceAccount (deploy/rbac/cluster-role.yaml)`,
    paths: [],
  };
}
