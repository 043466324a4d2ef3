/**
 * `truesplit analyze --live`: the analyzer of `analyze -f` on the objects a cluster holds. Each Rollout's steps are
 * simulated on the live Services, VirtualServices, DestinationRules, Gateways, Namespaces, Sidecars and
 * PeerAuthentications (what file mode reads from manifests), and the current moment is analysed on the live pods.
 */
import type { Rollout } from '../../api/rollout.js';
import { formatValidationError, validateRollout } from '../../api/validate.js';
import type { Cluster } from '../../kube/cluster.js';
import { sortFindings } from '../../mesh/index.js';
import type { Finding } from '../../mesh/index.js';
import { analyzeManifests } from '../../mesh/simulate-paths.js';
import { recordedTrafficState } from '../../mesh/snapshot.js';
import { controllerPathAnalysis, pathVerdictOf } from '../../view/path-verdict.js';
import type { CliIo } from '../command.js';
import { buildAnalyzeReport, type AnalyzeReport, type LiveMoment } from '../analyze-report.js';
import { formatShapeProblem, readMeshObjects, readReplicaSets } from './observe.js';
import { livePhase } from './phase.js';

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

function liveMoment(rollout: Rollout, findings: Finding[], paths: LiveMoment['paths']): LiveMoment {
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
  const objects = [...mesh.objects, ...(await readReplicaSets(cluster, scope))];
  report.rollouts.forEach((entry, i) => {
    const rollout = valid[i];
    if (!rollout?.spec.strategy.canary?.trafficRouting?.istio) return;
    const now = controllerPathAnalysis(rollout, objects);
    entry.live = liveMoment(rollout, now.findings, now.paths);
    addNew(report.findings, now.findings);
  });
  sortFindings(report.findings);
  return { report, invalid };
}
