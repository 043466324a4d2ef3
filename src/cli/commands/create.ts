/**
 * `truesplit create -f FILE...` and `truesplit create analysisrun --from TEMPLATE`, as `kubectl argo rollouts
 * create`. The work is in live/create-files.ts and live/create-analysis-run.ts; this file reads the flags.
 */
import type { KubeObject } from '../../api/meta.js';
import type { KindName } from '../../kube/cluster.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { FILENAME_HELP, FILENAME_OPTION } from '../input.js';
import { createAnalysisRun, parseArgFlags, type AnalysisRunRequest } from '../live/create-analysis-run.js';
import { checkCreatable, createAll, createdName, inNamespace, readCreatePlan } from '../live/create-files.js';
import { KUBE_HELP, KUBE_OPTIONS } from '../live/flags.js';
import { printObjects } from '../live/print.js';
import { liveFlags, openSession, runLive } from '../live/session.js';

/** The subcommand word and its aliases (Argo's `analysisrun`, `ar`). */
export const CREATE_SUBCOMMANDS: readonly string[] = ['analysisrun', 'ar', 'analysisruns'];

const RUN_OPTIONS = {
  ...KUBE_OPTIONS,
  from: { type: 'string' },
  global: { type: 'boolean' },
  'global-from': { type: 'string' },
  argument: { type: 'string', short: 'a', multiple: true },
  name: { type: 'string' },
  'generate-name': { type: 'string' },
  'instance-id': { type: 'string' },
} as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

async function createFromFiles(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...KUBE_OPTIONS, ...FILENAME_OPTION }, true);
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${positionals[0]}: create takes -f FILE, or analysisrun --from`,
    );
  }
  const paths = values.filename ?? [];
  if (paths.length === 0) throw new UsageError('no input: pass the objects to create with -f FILE');
  const plan = await readCreatePlan(paths, io, text(values.namespace));
  if (!plan) return EXIT.usage;
  return runLive(io, 'create', async () => {
    const session = await openSession(io, liveFlags(values));
    const entries = inNamespace(plan.entries, session.namespace);
    await checkCreatable(session.cluster, entries);
    const created: KubeObject[] = [];
    await createAll(session.cluster, entries, (object: KubeObject, kind: KindName) => {
      created.push(object);
      if (session.format === 'human') io.stdout.write(`${createdName(kind, object.metadata.name)} created\n`);
    });
    if (session.format !== 'human') printObjects(io, session.format, created, []);
    return EXIT.ok;
  });
}

/** The flags of `create analysisrun`, checked before the cluster is opened. */
export function analysisRunRequest(values: Readonly<Record<string, unknown>>): AnalysisRunRequest {
  const from = text(values.from);
  const globalFrom = text(values['global-from']);
  const name = text(values.name);
  const generateName = text(values['generate-name']);
  const instanceId = text(values['instance-id']);
  const argFlags = Array.isArray(values.argument) ? values.argument.filter((a) => typeof a === 'string') : [];
  return {
    ...(from !== undefined ? { from } : {}),
    ...(globalFrom !== undefined ? { globalFrom } : {}),
    global: values.global === true,
    args: parseArgFlags(argFlags),
    ...(name ? { name } : {}),
    ...(generateName ? { generateName } : {}),
    ...(instanceId ? { instanceId } : {}),
  };
}

async function createRun(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, RUN_OPTIONS, true);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const request = analysisRunRequest(values);
  return runLive(io, 'create', async () => {
    const session = await openSession(io, liveFlags(values));
    const warn = (line: string) => io.stderr.write(`truesplit create: ${line}\n`);
    const run = await createAnalysisRun(session.cluster, session.namespace, request, warn);
    if (session.format === 'human')
      io.stdout.write(`${createdName('AnalysisRun', run.metadata.name)} created\n`);
    else printObjects(io, session.format, [run], []);
    return EXIT.ok;
  });
}

export const create: Command = {
  name: 'create',
  subcommands: ['analysisrun'],
  summary:
    'Create Rollouts, Experiments, AnalysisTemplates and AnalysisRuns from files, or a run from a template',
  usage: `Usage: truesplit create -f FILE... [flags]
       truesplit create analysisrun --from TEMPLATE [-a NAME=VALUE]... [flags]

The first form creates the Rollouts, Experiments, AnalysisTemplates, ClusterAnalysisTemplates and AnalysisRuns
(argoproj.io) of the files, as 'kubectl argo rollouts create'. The whole input is checked before anything is
written: every object must be one of those kinds and pass the checks of 'truesplit lint' that need no other object
(references to Services, VirtualServices and templates are left to the cluster); then each object's resource must
be served and its name free. Any problem names the file, line, object and field, and nothing is created. An object
without a namespace goes to -n (else the context's namespace); one whose namespace differs from -n is an error.
truesplit does not run Experiments: creating one warns.

The second form ('ar' for short) creates an AnalysisRun from an AnalysisTemplate of the namespace, nested templates
included, with the rules the controller uses for a Rollout's runs: -a overrides a template's argument, an argument
left without a value is an error naming it, two metrics with the same name are an error.

Flags:
${FILENAME_HELP}
      --from NAME           the AnalysisTemplate (with --global: the ClusterAnalysisTemplate) to run
      --global              --from names a ClusterAnalysisTemplate (Argo's flag)
      --global-from NAME    a ClusterAnalysisTemplate, alone or merged with --from's template
  -a, --argument NAME=VALUE an argument of the template; repeatable
      --name NAME           the run's name (default: generated from the template's name)
      --generate-name PFX   the run's generateName (default: TEMPLATE-)
      --instance-id ID      label the run for the controller with this instance id
${KUBE_HELP}

Exit codes: 0 created, 1 an object already exists, a template or CRD is missing, or the API server refused the
write, 2 bad flags, unreadable or invalid input, a missing argument, or no cluster configured.

Examples:
  truesplit create -f rollout.yaml -f analysis-template.yaml -n shop
  truesplit create analysisrun --from error-rate -a service-name=checkout -n shop
  truesplit create ar --global --from cluster-error-rate --name smoke-1 -n shop
`,
  run(argv, io) {
    const [first, ...rest] = argv;
    return first !== undefined && CREATE_SUBCOMMANDS.includes(first)
      ? createRun(rest, io)
      : createFromFiles(argv, io);
  },
};
