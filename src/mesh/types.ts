/** Public shapes of the traffic-path model. Codes are part of the interface: documented, tested, never renamed. */

export type PathKind = 'gateway' | 'mesh' | 'plain' | 'ambient';

export type Severity = 'error' | 'warning' | 'info';

export const FINDING_CODES = [
  'mesh-binding',
  'mesh-host',
  'export-to',
  'plain-callers',
  'sidecar-egress',
  'subset-missing',
  'mesh-conflict',
  'mesh-wildcard',
  'ambient-no-waypoint',
  'strict-mtls-plain',
  'no-ready-endpoints',
  'no-default-route',
  'ambient-waypoint-alpha',
  'prediction-uncertain',
  'ping-pong-dialled',
  'gateway-missing',
] as const;

/**
 * Raised by the controller, not by the model: an optional kind the model reads (Sidecar, PeerAuthentication,
 * Gateway, Namespace) cannot be listed — its CRD is not installed (404) or RBAC forbids it (403) — so the model ran
 * as if there were none of it.
 */
export const INPUT_FINDING_CODES = ['crd-missing', 'rbac-forbidden'] as const;

export type FindingCode = (typeof FINDING_CODES)[number] | (typeof INPUT_FINDING_CODES)[number];

/** Where requests start and what share of them reaches the canary. Shares are fractions 0..1. */
export interface TrafficPath {
  kind: PathKind;
  /** `ns/gateway` for a gateway path; the caller namespace, or `*` for "any other namespace" of that kind. */
  from: string;
  /** A request class with its own route (e.g. "header x-canary: always"); absent for ordinary requests. */
  variant?: string;
  /** Null when the path fails (no healthy upstream, mTLS rejects, conflicting configuration). */
  canaryShare: number | null;
  desiredShare: number;
  /** True when the effective share equals the desired one (within the tolerance). */
  followsWeight: boolean;
  findings: FindingCode[];
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** What happens, with the numbers (desired vs effective share, pods). */
  message: string;
  /** `Kind/namespace/name` of every object involved. */
  objects: string[];
  /** A YAML patch or a command. */
  fix: string;
  /** Labels of the paths that raised it (`mesh from shop`, `gateway istio-system/public`). */
  paths: string[];
  /** Step indexes where it was seen (multi-step analysis only). */
  steps?: number[];
}

/** A problem seen on one path, before severities are settled and findings are merged. */
export interface PathIssue {
  code: FindingCode;
  objects: string[];
  detail?: string;
}

export interface EvaluatedPath {
  path: TrafficPath;
  issues: PathIssue[];
  /** Pods behind the effective split when it is an endpoint ratio. */
  pods?: { canary: number; ready: number };
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

export function pathLabel(path: Pick<TrafficPath, 'kind' | 'from' | 'variant'>): string {
  const from =
    path.kind === 'gateway' ? path.from : `from ${path.from === '*' ? 'any namespace' : path.from}`;
  return `${path.kind} ${from}${path.variant ? ` [${path.variant}]` : ''}`;
}
