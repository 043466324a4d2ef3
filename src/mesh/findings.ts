import type { RolloutContext } from './context.js';
import type { FixInput } from './fixes.js';
import { fixFor } from './fixes.js';
import { issueSeverity } from './paths.js';
import type { EvaluatedPath, Finding, FindingCode, PathIssue, TrafficPath } from './types.js';
import { pathLabel, SEVERITY_RANK } from './types.js';

/** Cause of each finding, in words; the numbers are appended from the worst path. */
const CAUSES: Record<FindingCode, (objects: string, detail: string, last: string) => string> = {
  'mesh-binding': (o) => `${o} is not bound to the "mesh" gateway, so in-mesh callers never see its weights`,
  'mesh-host': (o) => `${o} is bound to the mesh but its hosts do not cover the Service FQDN`,
  'export-to': (o) => `exportTo of ${o} hides it from the caller namespaces`,
  'plain-callers': (_o, d, last) =>
    d === 'pinned-to-stable'
      ? `callers without a sidecar dial the stable Service ${last} and stay on stable until promotion (by design)`
      : `callers without a sidecar reach ${last} through kube-proxy, which splits by ready pod count`,
  'sidecar-egress': (o) =>
    `${o}: the Sidecar egress hosts do not import the Service, so calls leave as passthrough`,
  'subset-missing': (o, d) => `${o}: ${d || 'a weighted subset is missing'}; requests to it fail with 503`,
  'mesh-conflict': (o) =>
    `several mesh-bound VirtualServices claim the same host (IST0109): ${o}; only one wins, unpredictably`,
  'mesh-wildcard': (o) => `${o} is bound to the mesh with host "*", which Istio rejects`,
  'ambient-no-waypoint': (o) =>
    `ambient callers reach ${o} through ztunnel (L4) without a waypoint: no L7 routing`,
  'strict-mtls-plain': (o) => `STRICT mTLS (${o}) rejects callers without a sidecar`,
  'no-ready-endpoints': (o, d) => d || `${o} selects no ready pod`,
  'no-default-route': (o, d) => d || `${o} has no route for ordinary requests (every route has a match)`,
  'crd-missing': (o) => `${o} is not installed; the path model assumed there are none`,
  'rbac-forbidden': (o) => `the controller may not list ${o}; the path model assumed there are none`,
  'prediction-uncertain': (o, d) =>
    `${o}: ${d || 'this shape'}; truesplit's path model cannot predict the split Istio gives here, so it states none`,
  'ping-pong-dialled': (_o, _d, last) =>
    `callers dial ${last}, one of the ping-pong pair: its role swaps at every promotion, so after the next one it is the canary Service at weight 0, left on the old revision until that is scaled down, and callers without L7 routing lose every endpoint`,
  'gateway-missing': (_o, _d, last) =>
    `the VirtualService binds ${last}, which does not exist: no gateway proxy has a listener for its hosts, so no request reaches its routes there (istioctl analyze: IST0101)`,
  'ambient-waypoint-alpha': (o, d) =>
    `ambient callers are routed by the waypoint ${d ? `"${d}" ` : ''}of ${o}; VirtualService on waypoints is alpha in Istio`,
};

export function formatShare(share: number | null): string {
  if (share === null) return 'no traffic (requests fail)';
  return `${Math.round(share * 1000) / 10}%`;
}

/** A path's effective share in words: unknown when the model marks the prediction uncertain. */
export function formatPathShare(path: Pick<TrafficPath, 'canaryShare' | 'findings'>): string {
  return path.findings.includes('prediction-uncertain')
    ? 'unknown (prediction uncertain)'
    : formatShare(path.canaryShare);
}

interface Group {
  code: FindingCode;
  objects: string[];
  severity: Finding['severity'];
  detail: string;
  paths: Set<string>;
  callerNamespaces: Set<string>;
  worst?: EvaluatedPath;
}

function divergence(e: EvaluatedPath): number {
  return e.path.canaryShare === null ? Infinity : Math.abs(e.path.canaryShare - e.path.desiredShare);
}

function addIssue(groups: Map<string, Group>, issue: PathIssue, evaluated: EvaluatedPath): void {
  const key = `${issue.code}|${issue.objects.join(',')}`;
  const severity = issueSeverity(issue, evaluated);
  const group: Group = groups.get(key) ?? {
    code: issue.code,
    objects: issue.objects,
    severity,
    detail: issue.detail ?? '',
    paths: new Set(),
    callerNamespaces: new Set(),
  };
  if (SEVERITY_RANK[severity] > SEVERITY_RANK[group.severity]) group.severity = severity;
  group.paths.add(pathLabel(evaluated.path));
  if (evaluated.path.kind !== 'gateway' && evaluated.path.from !== '*')
    group.callerNamespaces.add(evaluated.path.from);
  if (!group.worst || divergence(evaluated) > divergence(group.worst)) group.worst = evaluated;
  groups.set(key, group);
}

function numbers(worst: EvaluatedPath | undefined): string {
  if (!worst) return '';
  const p = worst.path;
  const pods = worst.pods ? ` (${worst.pods.canary} canary of ${worst.pods.ready} ready pods)` : '';
  return `${pathLabel(p)}: desired ${formatShare(p.desiredShare)} canary, effective ${formatPathShare(p)}${pods}`;
}

/** Merge the issues of every path into findings (one per code and objects), worst severity, with a fix. */
/** Fix inputs of findings collected without their fix (multi-step analysis renders fixes once, after merging). */
const pendingFixes = new WeakMap<Finding, FixInput>();

export function collectFindings(
  ctx: RolloutContext,
  evaluated: readonly EvaluatedPath[],
  weights: readonly number[],
  withFixes = true,
): Finding[] {
  const groups = new Map<string, Group>();
  for (const e of evaluated) for (const issue of e.issues) addIssue(groups, issue, e);
  const findings: Finding[] = [];
  for (const g of groups.values()) {
    const fixInput: FixInput = {
      ctx,
      objects: g.objects,
      callerNamespaces: [...g.callerNamespaces].sort(),
      weights: [...weights],
      pinned: g.detail === 'pinned-to-stable',
    };
    const cause = CAUSES[g.code](g.objects.join(', '), g.detail, g.objects[g.objects.length - 1] ?? '');
    const shown = numbers(g.worst);
    const finding: Finding = {
      code: g.code,
      severity: g.severity,
      message: shown ? `${cause}. ${shown}.` : `${cause}.`,
      objects: g.objects,
      fix: withFixes ? fixFor(g.code, fixInput) : '',
      paths: [...g.paths],
    };
    if (!withFixes) pendingFixes.set(finding, fixInput);
    findings.push(finding);
  }
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.code.localeCompare(b.code) ||
      a.objects.join().localeCompare(b.objects.join()),
  );
}

/**
 * Merge findings of several steps: one per code and objects, worst severity, the message of the most severe
 * occurrence, every path and step that raised it.
 */
export function mergeFindings(
  perStep: readonly { index: number; findings: readonly Finding[] }[],
): Finding[] {
  const merged = new Map<string, Finding>();
  for (const { index, findings } of perStep) {
    for (const f of findings) {
      const key = `${f.code}|${f.objects.join(',')}`;
      const seen = merged.get(key);
      if (!seen) {
        const copy = { ...f, paths: [...f.paths], steps: [index] };
        inheritFix(copy, f);
        merged.set(key, copy);
        continue;
      }
      if (!seen.steps?.includes(index)) seen.steps?.push(index);
      for (const p of f.paths) if (!seen.paths.includes(p)) seen.paths.push(p);
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen.severity]) {
        Object.assign(seen, { severity: f.severity, message: f.message, fix: f.fix });
        inheritFix(seen, f);
      }
    }
  }
  const result = [...merged.values()];
  for (const f of result) completeFix(f);
  return sortFindings(result);
}

/** A copy of one step's finding, for another step with the same state: its fix is still built when merged. */
export function copyStepFinding(finding: Finding): Finding {
  const copy: Finding = { ...finding, objects: [...finding.objects], paths: [...finding.paths] };
  if (finding.steps) copy.steps = [...finding.steps];
  inheritFix(copy, finding);
  return copy;
}

function inheritFix(target: Finding, source: Finding): void {
  const input = pendingFixes.get(source);
  if (input) pendingFixes.set(target, input);
}

function completeFix(finding: Finding): void {
  const input = pendingFixes.get(finding);
  if (input && finding.fix === '') finding.fix = fixFor(finding.code, input);
}
