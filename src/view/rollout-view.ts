/**
 * The view model of one Rollout, shared by the CLI (`get rollout` tree) and the dashboard. Pure: objects in, plain
 * data out. Shares are percentages (0..100) rounded to one decimal, the unit people read.
 */
import { ownedBy } from '../api/meta.js';
import type { CanaryStep, Rollout } from '../api/rollout.js';
import { actualWeight } from './actual-weight.js';
import { resolveCanaryConfig } from '../rollout/defaults.js';
import { setWeightAt } from '../rollout/steps.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../api/labels.js';
import { isPodReady, type Pod, type ReplicaSet } from '../api/workloads.js';
import type {
  AnalyzedFinding,
  AnalyzedPath,
  FindingSeverity,
  PathAnalysis,
  PathKind,
} from './path-analysis.js';
import { pathVerdictOf, type PathVerdictView } from './path-verdict.js';
import { analysisRunsOf, type AnalysisRunView } from './analysis-run-view.js';
import type { AnalysisRun } from '../api/analysis.js';

export type StepState = 'done' | 'current' | 'pending';
export type RevisionRole = 'stable' | 'canary' | 'old';
/** ok: the path gets what was asked; warning: it ignores weights by design and diverges; error: it should not. */
export type PathHealth = 'ok' | 'warning' | 'error';

export interface StepView {
  index: number;
  label: string;
  state: StepState;
}

export interface PodView {
  name: string;
  ready: boolean;
  phase: string;
}

export interface RevisionView {
  revision: number | null;
  hash: string;
  name: string;
  role: RevisionRole;
  replicas: number;
  ready: number;
  available: number;
  images: string[];
  pods: PodView[];
}

export interface ObservedShare {
  /** Percentage of the window's requests that reached the canary; null below the minimum sample size. */
  share: number | null;
  /** Requests counted on the path in the window. */
  requests: number;
}

export interface PathView {
  /** Stable key of the path (chart series, observed-share lookup). */
  id: string;
  kind: PathKind;
  from: string;
  variant: string | null;
  desired: number;
  /** null when the path fails instead of splitting. */
  predicted: number | null;
  observed?: ObservedShare;
  followsWeight: boolean;
  diverges: boolean;
  health: PathHealth;
  findingCodes: string[];
}

export interface FindingView {
  code: string;
  severity: FindingSeverity;
  message: string;
  objects: string[];
  /** Labels of the paths that raised it. */
  paths: string[];
  fix: string;
}

export interface RolloutView {
  name: string;
  namespace: string;
  phase: string;
  message: string;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  /** The pod template's containers (what `set image` changes). */
  containers: { name: string; image: string }[];
  /** Index of the current step; steps.length when every step is done; null without steps or status. */
  currentStep: number | null;
  steps: StepView[];
  /** `actual`: ActualWeight as Argo's plugin shows it (100 once fully promoted). */
  weights: { desired: number; canary: number; stable: number; actual: number };
  /** `kubectl argo rollouts get`'s Replicas block, from the Rollout's status (desired from the spec). */
  replicas: ReplicaCountsView;
  revisions: RevisionView[];
  paths: PathView[];
  findings: FindingView[];
  /** The AnalysisRuns the Rollout owns, newest revision first (each names its revision). */
  analysisRuns: AnalysisRunView[];
  /** The controller's path verdict (condition and gate hold), when it has written one. */
  pathVerdict?: PathVerdictView;
}

export interface ReplicaCountsView {
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
}

export interface RolloutViewInput {
  rollout: Rollout;
  /** Phase and message to show instead of status.phase (the CLI's view of a status not yet observed). */
  phase?: { phase: string; message: string };
  replicaSets: ReplicaSet[];
  pods: Pod[];
  analysis?: PathAnalysis;
  /** Observed shares by path id (the sandbox's request simulator, or metrics). */
  observed?: ReadonlyMap<string, ObservedShare>;
  /** AnalysisRuns of the namespace (those the Rollout owns are shown). */
  analysisRuns?: readonly AnalysisRun[];
}

/** A predicted share further than this from the desired one (percentage points) diverges. */
export const DIVERGENCE_TOLERANCE_PP = 1;

export function pathId(path: Pick<AnalyzedPath, 'kind' | 'from' | 'variant'>): string {
  return path.variant ? `${path.kind}:${path.from}:${path.variant}` : `${path.kind}:${path.from}`;
}

const toPercent = (fraction: number): number => Math.round(fraction * 1000) / 10;

export function buildRolloutView(input: RolloutViewInput): RolloutView {
  const { rollout } = input;
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const currentStep = steps.length > 0 ? (rollout.status?.currentStepIndex ?? null) : null;
  const revisions = revisionsOf(rollout, input.replicaSets, input.pods);
  const weights = weightsOf(rollout, steps, currentStep);
  const canaryAvailable = revisions.find((r) => r.role === 'canary')?.available ?? 0;
  return {
    name: rollout.metadata.name,
    namespace: rollout.metadata.namespace ?? '',
    phase: input.phase?.phase ?? rollout.status?.phase ?? 'Unknown',
    message: input.phase?.message ?? rollout.status?.message ?? '',
    strategy: strategyOf(rollout),
    containers: (rollout.spec.template?.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
    })),
    currentStep,
    steps: steps.map((step, index) => ({
      index,
      label: stepLabel(step),
      state: stepState(index, currentStep),
    })),
    weights: { ...weights, actual: actualWeight(rollout, weights.desired, canaryAvailable) },
    replicas: replicaCountsOf(rollout),
    revisions,
    paths: (input.analysis?.paths ?? []).map((p) =>
      pathView(p, input.analysis?.findings ?? [], input.observed),
    ),
    findings: (input.analysis?.findings ?? []).map(findingView),
    analysisRuns: analysisRunsOf(rollout, input.analysisRuns ?? []),
    ...verdictOf(rollout),
  };
}

function verdictOf(rollout: Rollout): { pathVerdict?: PathVerdictView } {
  const verdict = pathVerdictOf(rollout);
  return verdict ? { pathVerdict: verdict } : {};
}

function replicaCountsOf(rollout: Rollout): ReplicaCountsView {
  const status = rollout.status;
  return {
    desired: rollout.spec.replicas ?? 1,
    current: status?.replicas ?? 0,
    updated: status?.updatedReplicas ?? 0,
    ready: status?.readyReplicas ?? 0,
    available: status?.availableReplicas ?? 0,
  };
}

function strategyOf(rollout: Rollout): RolloutView['strategy'] {
  if (rollout.spec.strategy.canary) return 'canary';
  return rollout.spec.strategy.blueGreen ? 'blueGreen' : 'unknown';
}

function stepState(index: number, currentStep: number | null): StepState {
  if (currentStep === null || index > currentStep) return 'pending';
  return index < currentStep ? 'done' : 'current';
}

/** The step the way `kubectl argo rollouts get rollout` names it. */
export function stepLabel(step: CanaryStep): string {
  if (step.setWeight !== undefined) return `setWeight: ${step.setWeight}`;
  if (step.pause)
    return step.pause.duration === undefined ? 'pause' : `pause: ${String(step.pause.duration)}`;
  if (step.setCanaryScale) return `setCanaryScale: ${canaryScaleLabel(step.setCanaryScale)}`;
  if (step.analysis)
    return `analysis: ${(step.analysis.templates ?? []).map((t) => t.templateName).join(', ')}`;
  if (step.setHeaderRoute) return `setHeaderRoute: ${step.setHeaderRoute.name}`;
  if (step.setMirrorRoute) return `setMirrorRoute: ${step.setMirrorRoute.name}`;
  if (step.experiment) return 'experiment';
  if (step.plugin) return `plugin: ${step.plugin.name}`;
  return 'unknown step';
}

function canaryScaleLabel(scale: NonNullable<CanaryStep['setCanaryScale']>): string {
  if (scale.replicas !== undefined) return `replicas ${scale.replicas}`;
  if (scale.weight !== undefined) return `weight ${scale.weight}`;
  return 'matchTrafficWeight';
}

/** Desired weight: the last setWeight at or before the current step; 100 once every step is done. */
function weightsOf(
  rollout: Rollout,
  steps: CanaryStep[],
  currentStep: number | null,
): Omit<RolloutView['weights'], 'actual'> {
  const recorded = rollout.status?.canary?.weights;
  const canary = recorded?.canary.weight ?? 0;
  const stable = recorded?.stable.weight ?? 100 - canary;
  return { desired: desiredWeight(rollout, steps, currentStep), canary, stable };
}

/** Fully promoted: 100 (the canary is the stable); otherwise Argo's current set weight (abort, maxTrafficWeight). */
function desiredWeight(rollout: Rollout, steps: CanaryStep[], currentStep: number | null): number {
  const status = rollout.status;
  if (status?.stableRS && status.stableRS === status.currentPodHash) return 100;
  if (currentStep === null) return 0;
  const { maxTrafficWeight } = resolveCanaryConfig(rollout);
  return setWeightAt(steps, currentStep, status?.abort === true, maxTrafficWeight);
}

function revisionsOf(rollout: Rollout, replicaSets: ReplicaSet[], pods: Pod[]): RevisionView[] {
  const views = replicaSets.map((rs) => revisionView(rollout, rs, pods));
  return views.sort((a, b) => (b.revision ?? -1) - (a.revision ?? -1) || a.name.localeCompare(b.name));
}

function revisionView(rollout: Rollout, rs: ReplicaSet, pods: Pod[]): RevisionView {
  const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
  const revision = Number.parseInt(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  const owned = pods.filter((pod) => podOf(pod, rs));
  return {
    revision: Number.isNaN(revision) ? null : revision,
    hash,
    name: rs.metadata.name,
    role: roleOf(rollout, hash),
    replicas: rs.spec.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    images: (rs.spec.template.spec?.containers ?? []).map((c) => c.image ?? ''),
    pods: owned
      .map((pod) => ({
        name: pod.metadata.name,
        ready: isPodReady(pod),
        phase: pod.status?.phase ?? 'Pending',
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** A pod read without owner references (a manifest) belongs to the ReplicaSet of its pod-template hash. */
function podOf(pod: Pod, rs: ReplicaSet): boolean {
  const refs = pod.metadata.ownerReferences ?? [];
  if (refs.length > 0) return ownedBy(pod, rs);
  const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
  return hash !== undefined && pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash;
}

function roleOf(rollout: Rollout, hash: string): RevisionRole {
  const status = rollout.status;
  if (hash !== '' && hash === status?.stableRS) return 'stable';
  if (hash !== '' && hash === status?.currentPodHash) return 'canary';
  return 'old';
}

function pathView(
  path: AnalyzedPath,
  findings: AnalyzedFinding[],
  observed: ReadonlyMap<string, ObservedShare> | undefined,
): PathView {
  const id = pathId(path);
  const desired = toPercent(path.desiredShare);
  const predicted = path.canaryShare === null ? null : toPercent(path.canaryShare);
  const diverges = predicted === null || Math.abs(predicted - desired) > DIVERGENCE_TOLERANCE_PP;
  const seen = observed?.get(id);
  return {
    id,
    kind: path.kind,
    from: path.from,
    variant: path.variant ?? null,
    desired,
    predicted,
    ...(seen ? { observed: seen } : {}),
    followsWeight: path.followsWeight,
    diverges,
    health: pathHealth(path, diverges, findings),
    findingCodes: [...path.findings],
  };
}

function pathHealth(path: AnalyzedPath, diverges: boolean, findings: AnalyzedFinding[]): PathHealth {
  if (!diverges) return 'ok';
  const severities = findings.filter((f) => path.findings.includes(f.code)).map((f) => f.severity);
  if (path.canaryShare === null || severities.includes('error')) return 'error';
  if (severities.includes('warning')) return 'warning';
  return path.kind === 'plain' ? 'warning' : 'error';
}

function findingView(finding: AnalyzedFinding): FindingView {
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    objects: [...finding.objects],
    paths: [...finding.paths],
    fix: finding.fix,
  };
}
