/**
 * Compatibility with Argo Rollouts, field by field: one table says, for every field of the Rollout spec, whether
 * truesplit does what Argo does, does it with a documented difference, warns that it does nothing, holds the Rollout
 * (nothing is promoted that Argo would have gated), or rejects it. `lint`, `simulate`, `analyze`, the planner and the
 * README's compatibility table all read this table (ADR 0120). Pure.
 */
import type { Rollout } from './rollout.js';
import { isRecord } from './validate-values.js';

export type SupportLevel = 'supported' | 'difference' | 'warned' | 'held' | 'rejected';

/** What a held field stops: the whole Rollout, the step that sets it, or every step from `startingStep` on. */
export type HoldScope = 'rollout' | 'step';

export interface CompatRule {
  /** Argo's field path; `[]` stands for any list index, `<name>` for any map key. */
  field: string;
  support: SupportLevel;
  /** README text: what truesplit does (for warned and held fields, what happens instead of Argo's behaviour). */
  note: string;
  /** The ADR documenting a difference (`0011`), linked from the README. */
  adr?: string;
  /** Held fields: what the hold stops. */
  hold?: HoldScope;
  /** Warned and held fields: the concrete field paths this Rollout sets. */
  find?: (rollout: Rollout) => string[];
}

/** One warned or held field of one Rollout. */
export interface CompatIssue {
  /** The concrete path (`spec.strategy.canary.steps[3].experiment`). */
  field: string;
  support: 'warned' | 'held';
  /** Event and condition reason. */
  reason: 'UnsupportedStep' | 'UnsupportedField';
  hold?: HoldScope;
  /** Step holds: the step index. */
  stepIndex?: number;
  /** `is not supported by truesplit: <what happens instead>` (lint prints it after the field). */
  detail: string;
  /** `<field> <detail>`: the event and condition text. */
  message: string;
}

export const NOTIFICATION_ANNOTATION_PREFIX = 'notifications.argoproj.io/subscribe.';
const CANARY = 'spec.strategy.canary';
const ROUTING = `${CANARY}.trafficRouting`;
const HOLD_STEP =
  'the Rollout holds at this step (phase Paused, condition UnsupportedSpec) until `truesplit promote` skips it';
const HOLD_ROLLOUT =
  'the Rollout is held: nothing is created, scaled or routed (phase Degraded, condition UnsupportedSpec)';

function spec(rollout: Rollout): Record<string, unknown> {
  return isRecord(rollout.spec) ? rollout.spec : {};
}

function canaryOf(rollout: Rollout): Record<string, unknown> {
  const strategy = spec(rollout).strategy;
  return isRecord(strategy) && isRecord(strategy.canary) ? strategy.canary : {};
}

function routingOf(rollout: Rollout): Record<string, unknown> {
  const routing = canaryOf(rollout).trafficRouting;
  return isRecord(routing) ? routing : {};
}

/** `path` when `value` is set (not undefined or null). */
function present(value: unknown, path: string): string[] {
  return value === undefined || value === null ? [] : [path];
}

const routerField = (name: string) => (rollout: Rollout) =>
  present(routingOf(rollout)[name], `${ROUTING}.${name}`);

/** Every step of this kind: `spec.strategy.canary.steps[i].<kind>`. */
const stepKind = (kind: string) => (rollout: Rollout) => {
  const steps = canaryOf(rollout).steps;
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step: unknown, index) =>
    isRecord(step) && step[kind] !== undefined && step[kind] !== null
      ? [`${CANARY}.steps[${index}].${kind}`]
      : [],
  );
};

function blueGreen(rollout: Rollout): string[] {
  const strategy = spec(rollout).strategy;
  return isRecord(strategy) ? present(strategy.blueGreen, 'spec.strategy.blueGreen') : [];
}

const OTHER_ROUTERS = ['nginx', 'alb', 'smi', 'ambassador', 'appMesh', 'traefik', 'apisix', 'plugins'];

const supported = (field: string, note: string, adr?: string): CompatRule =>
  adr ? { field, support: 'difference', note, adr } : { field, support: 'supported', note };

/** The table. Order is the README's. */
export const COMPAT_RULES: readonly CompatRule[] = [
  supported('spec.replicas', 'as Argo'),
  supported('spec.selector', 'as Argo (required unless `workloadRef` is set)'),
  supported(
    'spec.template',
    'as Argo; ReplicaSet names and `rollouts-pod-template-hash` match Argo; pods also get `service.istio.io/canonical-revision` (the hash) unless set',
  ),
  supported(
    'spec.workloadRef',
    'Deployment, ReplicaSet and PodTemplate: the pod template (and selector) read from it, its changes are new revisions; `scaleDown` as Argo for a Deployment',
    '0172',
  ),
  {
    field: 'spec.workloadRef.scaleDown (kind ReplicaSet)',
    support: 'warned',
    note: 'only a referenced Deployment is scaled down; the ReplicaSet keeps its replicas (Argo looks for a Deployment of the same name)',
    adr: '0221',
    find: (rollout) => {
      const ref = spec(rollout).workloadRef;
      const scaleDown = isRecord(ref) ? ref.scaleDown : undefined;
      return isRecord(ref) && ref.kind === 'ReplicaSet' && scaleDown !== undefined && scaleDown !== 'never'
        ? ['spec.workloadRef.scaleDown']
        : [];
    },
  },
  supported('spec.minReadySeconds', 'as Argo'),
  supported(
    'spec.revisionHistoryLimit',
    'as Argo (default 10): the oldest ReplicaSets beyond the limit are deleted once scaled to zero; never the stable or the current one',
  ),
  supported('spec.paused', 'as Argo'),
  supported('spec.progressDeadlineSeconds', 'as Argo'),
  supported('spec.progressDeadlineAbort', 'as Argo'),
  supported(
    'spec.restartAt',
    'pods created before it are evicted oldest first, within `maxUnavailable`, through the Eviction API',
    '0170',
  ),
  supported(
    'spec.rollbackWindow',
    'as Argo: a rollback to a ReplicaSet created before the stable, within `revisions`, skips the steps',
  ),
  supported(
    'spec.analysis',
    '`successfulRunHistoryLimit` / `unsuccessfulRunHistoryLimit` (default 5) prune old AnalysisRuns as Argo',
  ),
  {
    field: 'spec.strategy.blueGreen',
    support: 'held',
    hold: 'rollout',
    note: `the blueGreen strategy is not implemented; ${HOLD_ROLLOUT}`,
    find: blueGreen,
  },
  supported(`${CANARY}.canaryService`, 'as Argo'),
  supported(`${CANARY}.stableService`, 'as Argo'),
  supported(`${CANARY}.steps[].setWeight`, 'as Argo'),
  supported(`${CANARY}.steps[].pause`, 'as Argo'),
  supported(`${CANARY}.steps[].setCanaryScale`, 'as Argo'),
  supported(`${CANARY}.steps[].setHeaderRoute`, 'Istio only; routes are rebuilt level-based', '0011'),
  supported(`${CANARY}.steps[].setMirrorRoute`, 'Istio only; routes are rebuilt level-based', '0032'),
  supported(
    `${CANARY}.steps[].analysis`,
    'an AnalysisRun per step: Successful completes the step, Inconclusive pauses, Failed/Error aborts; a failed run aborts in the same pass',
    '0144',
  ),
  {
    field: `${CANARY}.steps[].experiment`,
    support: 'held',
    hold: 'step',
    note: `no Experiment is created; ${HOLD_STEP}`,
    find: stepKind('experiment'),
  },
  {
    field: `${CANARY}.steps[].plugin`,
    support: 'held',
    hold: 'step',
    note: `step plugins are not run; ${HOLD_STEP}`,
    find: stepKind('plugin'),
  },
  supported(
    `${ROUTING}.istio.virtualService`,
    'weights always total 100; route selectors must match',
    '0032',
  ),
  supported(`${ROUTING}.istio.virtualServices`, 'as `virtualService`, for each', '0032'),
  supported(`${ROUTING}.istio.destinationRule`, 'canary and stable subsets must exist', '0032'),
  supported(
    `${ROUTING}.managedRoutes`,
    'kept first in the VirtualService; unnamed routes never duplicated',
    '0032',
  ),
  {
    field: `${ROUTING}.maxTrafficWeight`,
    support: 'rejected',
    note: 'rejected with Istio: Istio route weights always total 100',
  },
  ...OTHER_ROUTERS.map((router): CompatRule => ({
    field: `${ROUTING}.${router}`,
    support: 'held',
    hold: 'rollout',
    note: `only the Istio traffic router is implemented; ${HOLD_ROLLOUT}`,
    find: routerField(router),
  })),
  supported(`${CANARY}.maxSurge`, 'as Argo'),
  supported(`${CANARY}.maxUnavailable`, 'as Argo'),
  supported(
    `${CANARY}.analysis`,
    'one background AnalysisRun from `startingStep`; Inconclusive pauses, Failed/Error aborts; terminated on promotion, abort or rollback',
    '0144',
  ),
  supported(
    `${CANARY}.antiAffinity`,
    'the canary ReplicaSet gets the preferred (weighted) or required term against the stable pods; hash as Argo',
    '0173',
  ),
  supported(
    `${CANARY}.canaryMetadata`,
    "as Argo: kept current on the ReplicaSets' pod templates and existing pods as roles change",
    '0171',
  ),
  supported(
    `${CANARY}.stableMetadata`,
    "as Argo: kept current on the ReplicaSets' pod templates and existing pods as roles change",
    '0171',
  ),
  supported(`${CANARY}.scaleDownDelaySeconds`, 'the deadline is set in the promotion pass', '0011'),
  supported(`${CANARY}.scaleDownDelayRevisionLimit`, 'as Argo'),
  supported(`${CANARY}.abortScaleDownDelaySeconds`, '`0` keeps the canary at its current size', '0011'),
  supported(`${CANARY}.dynamicStableScale`, 'the abort weight falls as the stable becomes available', '0011'),
  supported(
    `${CANARY}.pingPong`,
    'as Argo: the canary turn selects the new ReplicaSet, roles swap on promotion (`status.canary.stablePingPong`); the stable one is also pinned to the stable ReplicaSet',
    '0220',
  ),
  supported(`${CANARY}.minPodsPerReplicaSet`, 'as Argo'),
  supported(`${CANARY}.replicaProgressThreshold`, 'as Argo'),
  supported(
    `metadata.annotations[${NOTIFICATION_ANNOTATION_PREFIX}<trigger>.<service>]`,
    'Argo’s notification ConfigMap and Secret, webhook and slack services; at most once per event occurrence',
    '0160',
  ),
];

function stepIndexOf(path: string): number | undefined {
  const match = /\.steps\[(\d+)\]/.exec(path);
  return match ? Number(match[1]) : undefined;
}

function issueFor(rule: CompatRule, field: string): CompatIssue {
  const support = rule.support === 'held' ? 'held' : 'warned';
  const detail = `is not supported by truesplit: ${rule.note}`;
  const issue: CompatIssue = {
    field,
    support,
    reason: rule.hold === 'step' ? 'UnsupportedStep' : 'UnsupportedField',
    detail,
    message: `${field} ${detail}`,
  };
  if (rule.hold) issue.hold = rule.hold;
  if (rule.hold === 'step') {
    const index = stepIndexOf(field);
    if (index !== undefined) issue.stepIndex = index;
  }
  return issue;
}

/** Every warned or held field this Rollout sets, in table order. */
export function compatIssues(rollout: Rollout): CompatIssue[] {
  return COMPAT_RULES.flatMap((rule) => (rule.find?.(rollout) ?? []).map((field) => issueFor(rule, field)));
}
