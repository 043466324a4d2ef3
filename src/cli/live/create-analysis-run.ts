/**
 * `truesplit create analysisrun --from TEMPLATE`, as `kubectl argo rollouts create analysisrun`: an AnalysisRun
 * built from an AnalysisTemplate (or, with `--global`, a ClusterAnalysisTemplate) of the cluster, nested templates
 * included, with the rules the Rollout controller uses (analysis/run-from-templates.ts): `-a NAME=VALUE` overrides
 * the template's args, and an arg left without a value is an error naming it.
 */
import type { AnalysisRun, AnalysisTemplate, TemplateArg } from '../../api/analysis.js';
import { INSTANCE_ID_LABEL } from '../../api/labels.js';
import type { AnalysisTemplateRef } from '../../api/rollout.js';
import { analysisRunFromTemplates, type BuildResult } from '../../analysis/run-from-templates.js';
import { lookupIn, resolveTemplateRefs } from '../../analysis/template-refs.js';
import { validateAnalysisRun } from '../../analysis/validate-template.js';
import type { Cluster } from '../../kube/cluster.js';
import { isKubeApiError } from '../../kube/errors.js';
import { InputError } from '../../manifests/errors.js';
import { UsageError } from '../command.js';
import { LiveInputError } from './input-error.js';

export interface AnalysisRunRequest {
  /** `--from` (an AnalysisTemplate, or with `--global` a ClusterAnalysisTemplate). */
  from?: string;
  global: boolean;
  /** `--global-from`: a ClusterAnalysisTemplate, alone or with `--from`. */
  globalFrom?: string;
  args: TemplateArg[];
  name?: string;
  generateName?: string;
  instanceId?: string;
}

/** `-a NAME=VALUE` flags, Argo's ParseArgFlags: the first `=` splits; a flag without one is a usage error. */
export function parseArgFlags(flags: readonly string[]): TemplateArg[] {
  return flags.map((flag) => {
    const split = flag.indexOf('=');
    if (split <= 0) throw new UsageError(`argument "${flag}" must be in the form NAME=VALUE`);
    return { name: flag.slice(0, split), value: flag.slice(split + 1) };
  });
}

/** The template references the flags name, or a usage error when they name none. */
export function templateRefs(request: AnalysisRunRequest): AnalysisTemplateRef[] {
  if (request.global && request.from === undefined) throw new UsageError('--global needs --from');
  if (request.from === undefined && request.globalFrom === undefined) {
    throw new UsageError('one of --from or --global-from must be given');
  }
  return [
    ...(request.from !== undefined ? [{ templateName: request.from, clusterScope: request.global }] : []),
    ...(request.globalFrom !== undefined ? [{ templateName: request.globalFrom, clusterScope: true }] : []),
  ];
}

/** The run's name: `--name`, else `--generate-name`, else Argo's `<first template>-` as generateName. */
function runNaming(request: AnalysisRunRequest, refs: AnalysisTemplateRef[]) {
  if (request.name) return { name: request.name };
  return { generateName: request.generateName || `${refs[0]?.templateName ?? 'analysis'}-` };
}

/** Args given with `-a` that no template declares: Argo drops them; truesplit drops them too, and says so. */
export function unusedArgs(given: readonly TemplateArg[], run: AnalysisRun): string[] {
  const declared = new Set((run.spec.args ?? []).map((a) => a.name));
  return given.filter((a) => !declared.has(a.name)).map((a) => a.name);
}

/** The run to create, from templates already read; pure. An error names the template, arg or field. */
export function buildAnalysisRun(
  request: AnalysisRunRequest,
  templates: readonly AnalysisTemplate[],
  namespace: string,
): BuildResult<AnalysisRun> | { ok: false; error: string; notFound: true } {
  const refs = templateRefs(request);
  const resolved = resolveTemplateRefs(lookupIn(templates), namespace, refs, '--from');
  if (!resolved.ok) {
    const error = `${resolved.error.message} in namespace "${namespace}"`;
    return resolved.error.missing ? { ok: false, error, notFound: true } : { ok: false, error };
  }
  const built = analysisRunFromTemplates({
    set: resolved.set,
    args: request.args,
    namespace,
    ...runNaming(request, refs),
    ...(request.instanceId ? { labels: { [INSTANCE_ID_LABEL]: request.instanceId } } : {}),
  });
  if (!built.ok) return built.error.startsWith('args.') ? { ok: false, error: argHint(built.error) } : built;
  const problems = validateAnalysisRun(built.value);
  if (problems.length === 0) return built;
  const names = refs.map((r) => r.templateName).join(', ');
  const list = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return { ok: false, error: `the run built from ${names} is invalid: ${list}` };
}

function argHint(error: string): string {
  const name = /^args\.(\S+)/.exec(error)?.[1] ?? '';
  return `${error}: the template declares it without a value; pass it with -a ${name}=VALUE`;
}

/** Namespaced templates of `namespace` and the cluster's ClusterAnalysisTemplates (none when listing is refused). */
export async function readTemplates(cluster: Cluster, namespace: string): Promise<AnalysisTemplate[]> {
  const own = (await cluster.list('AnalysisTemplate', { namespace })).items;
  try {
    return [...own, ...(await cluster.list('ClusterAnalysisTemplate')).items];
  } catch (err) {
    if (isKubeApiError(err) && (err.code === 403 || err.code === 404)) return own;
    throw err;
  }
}

/** Reads the templates, builds the run and creates it: a missing template is exit 1, any other problem exit 2. */
export async function createAnalysisRun(
  cluster: Cluster,
  namespace: string,
  request: AnalysisRunRequest,
  warn: (text: string) => void,
): Promise<AnalysisRun> {
  const built = buildAnalysisRun(request, await readTemplates(cluster, namespace), namespace);
  if (!built.ok) throw 'notFound' in built ? new LiveInputError(built.error) : new InputError(built.error);
  for (const name of unusedArgs(request.args, built.value)) {
    warn(`warning: -a ${name}: no template declares an argument ${name}; it is not passed (as Argo does)`);
  }
  try {
    return await cluster.create('AnalysisRun', built.value);
  } catch (err) {
    if (isKubeApiError(err) && err.code === 409) {
      throw new LiveInputError(
        `AnalysisRun "${request.name ?? ''}" already exists in namespace "${namespace}"`,
      );
    }
    throw err;
  }
}
