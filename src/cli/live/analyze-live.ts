/**
 * `truesplit analyze --live`: the analyzer of `analyze -f` on the objects a cluster holds. Each Rollout's steps are
 * simulated on the live Services, VirtualServices, DestinationRules, Gateways, Namespaces, Sidecars and
 * PeerAuthentications (what file mode reads from manifests), and the current moment is analysed on the live pods.
 */
import { ownedBy } from '../../api/meta.js';
import type { Rollout } from '../../api/rollout.js';
import { formatValidationError, validateRollout } from '../../api/validate.js';
import type { Cluster } from '../../kube/cluster.js';
import { sortFindings } from '../../mesh/index.js';
import type { Finding } from '../../mesh/index.js';
import { analyzeManifests } from '../../mesh/simulate-paths.js';
import { recordedTrafficState } from '../../mesh/snapshot.js';
import { controllerPathAnalysis, pathVerdictOf } from '../../view/path-verdict.js';
import type { CliIo } from '../command.js';
import { buildAnalyzeReport, type AnalyzeReport, type LiveMoment, type LivePath } from '../analyze-report.js';
import { readObservedShares, type ObservedSource } from './observed.js';
import { formatShapeProblem, readMeshObjects, readReplicaSets } from './observe.js';
import { livePhase } from './phase.js';
import type { ObservedPathShare } from '../../mesh/observed-callers.js';
import { pathId } from '../../view/rollout-view.js';

export interface LiveAnalysis {
  report: AnalyzeReport;
  /** Rollouts left out because their spec is invalid (each reported on stderr): at least exit 1. */
  invalid: number;
}

/** Valid Rollouts of the scope; the invalid ones are reported on stderr, naming the object and the field. */
async function readRollouts(cluster: Cluster, namespace: string | undefined, io: CliIo) {
  const { items } = await cluster.list('Rollout', namespace === undefined ? {} : { namespace });
  const sorted = items.sort((a, b) =>
    `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
      `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
    ),
  );
  const valid: Rollout[] = [];
  for (const rollout of sorted) {
    const errors = validateRollout(rollout);
    for (const e of errors) io.stderr.write(`truesplit analyze: ${formatValidationError(e)}\n`);
    if (errors.length === 0) valid.push(rollout);
  }
  return { valid, invalid: sorted.length - valid.length };
}

function liveMoment(rollout: Rollout, findings: Finding[], paths: LivePath[]): LiveMoment {
  const phase = livePhase(rollout);
  const verdict = pathVerdictOf(rollout);
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const index = rollout.status?.currentStepIndex;
  return {
    phase: phase.phase,
    message: phase.message,
    step: steps.length === 0 || index === undefined ? null : `${index}/${steps.length}`,
    canaryWeight: recordedTrafficState(rollout).canaryWeight,
    paths,
    findings: findings.map((f) => f.code),
    ...(verdict ? { pathVerdict: verdict } : {}),
  };
}

/** Findings of the live moment that the step simulation did not already raise (same code and objects). */
function addNew(findings: Finding[], live: readonly Finding[]): void {
  const key = (f: Finding) => `${f.code}|${f.objects.join(',')}`;
  const known = new Set(findings.map(key));
  for (const f of live) if (!known.has(key(f))) findings.push(f);
}

/**
 * Undefined when nothing could be analysed (no Rollout, or the router cannot apply a step to the live objects):
 * the reasons are on stderr and the command exits 2, as file mode does for unusable input.
 */
export async function analyzeLive(
  cluster: Cluster,
  namespace: string | undefined,
  tolerance: number,
  io: CliIo,
  observedSource?: ObservedSource,
): Promise<LiveAnalysis | undefined> {
  const { valid, invalid } = await readRollouts(cluster, namespace, io);
  if (valid.length === 0) {
    if (invalid === 0) io.stderr.write(`truesplit analyze: no Rollout in ${namespace ?? 'any namespace'}\n`);
    return undefined;
  }
  const scope = namespace === undefined ? undefined : [namespace];
  const mesh = await readMeshObjects(cluster, scope);
  for (const p of mesh.problems) io.stderr.write(`truesplit analyze: ${formatShapeProblem(p)}\n`);
  const result = analyzeManifests(mesh.objects, valid, { tolerance });
  for (const e of result.routerErrors) io.stderr.write(`${e.object}: ${e.field ?? 'spec'}: ${e.message}\n`);
  if (result.routerErrors.length > 0) return undefined;
  const report = buildAnalyzeReport(result);
  const replicaSets = await readReplicaSets(cluster, scope);
  const objects = [...mesh.objects, ...replicaSets];
  const warned = new Set<string>();
  for (const [i, entry] of report.rollouts.entries()) {
    const rollout = valid[i];
    if (!rollout?.spec.strategy.canary?.trafficRouting?.istio) continue;
    const now = controllerPathAnalysis(rollout, objects);
    entry.live = liveMoment(rollout, now.findings, now.paths);
    if (observedSource) {
      const owned = replicaSets.filter((rs) => ownedBy(rs, rollout));
      const input = { rollout, replicaSets: owned, objects: mesh.objects, paths: now.paths };
      const observed = await readObservedShares(input, observedSource);
      for (const w of observed.warnings.filter((line) => !warned.has(line))) {
        warned.add(w);
        io.stderr.write(`truesplit analyze: ${w}\n`);
      }
      if (observed.address) entry.live = withObserved(entry.live, observed.shares, observed.address);
    }
    addNew(report.findings, now.findings);
  }
  sortFindings(report.findings);
  return { report, invalid };
}

/** The live paths with their observed share (a fraction, as the report's shares), from `address`. */
function withObserved(
  live: LiveMoment,
  shares: ReadonlyMap<string, ObservedPathShare>,
  address: string,
): LiveMoment {
  const paths = live.paths.map((path): LivePath => {
    const seen = shares.get(pathId(path));
    if (!seen) return path;
    const { share, canaryRequests, totalRequests, callers } = seen;
    return { ...path, observed: { share: share ?? null, canaryRequests, totalRequests, callers } };
  });
  return { ...live, paths, observedFrom: address };
}
