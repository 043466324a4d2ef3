/**
 * The shape shared by `promote`, `abort`, `retry`, `pause`, `resume` and `restart`: for each named Rollout, send the
 * verb's request (planned by `src/verbs/`, sent by `kube/send-verb.ts`, as the dashboard does), say what was done.
 * Workloads are never touched.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Rollout } from '../../api/rollout.js';
import type { VerbRequest } from '../../verbs/index.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT } from '../command.js';
import { runVerb } from './apply.js';
import { atLeastOneName, exactlyOneName, expectRolloutResource, KUBE_HELP, KUBE_OPTIONS } from './flags.js';
import { printObjects } from './print.js';
import { liveFlags, openSession, runLive } from './session.js';

type Options = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface IntentVerb<P = undefined> {
  name: string;
  summary: string;
  /** Synopsis after the program name, e.g. `promote NAME [--full]`. */
  synopsis: string;
  /** Paragraphs between the synopsis and the flags. */
  description: string;
  /** Extra flags, with their help lines. */
  options?: Options;
  optionsHelp?: string;
  examples: string[];
  /** `one`: exactly one Rollout (promote, restart); `many`: one or more (abort, pause, …). */
  arity: 'one' | 'many';
  /** `retry rollout NAME`: the resource word comes before the names. */
  resourceWord?: boolean;
  /** Checks flags before the cluster is opened; returns what `intent` needs. */
  prepare?: (values: FlagValues, io: CliIo) => P;
  /** The request sent to every named Rollout; `prepared` is what `prepare` returned (undefined without one). */
  request(prepared: P): VerbRequest;
  /** Printed after each Rollout is done: `rollout 'x' promoted`. */
  done(name: string, prepared: P): string;
}

function usageOf<P>(verb: IntentVerb<P>): string {
  return `Usage: truesplit ${verb.synopsis} [flags]

${verb.description}

Flags:
${verb.optionsHelp ? `${verb.optionsHelp}\n` : ''}${KUBE_HELP}

Exit codes: 0 done, 1 the Rollout was not found or the API server refused the change, 2 bad flags or no cluster
configured.

Examples:
${verb.examples.map((e) => `  truesplit ${e}`).join('\n')}
`;
}

function namesFrom<P>(verb: IntentVerb<P>, positionals: string[]): string[] {
  const names = verb.resourceWord ? positionals.slice(1) : positionals;
  if (verb.resourceWord) expectRolloutResource(positionals[0], verb.name);
  const synopsis = `truesplit ${verb.synopsis}`;
  return verb.arity === 'one' ? [exactlyOneName(names, synopsis)] : atLeastOneName(names, synopsis);
}

export function intentCommand<P = undefined>(verb: IntentVerb<P>): Command {
  const options = { ...KUBE_OPTIONS, ...(verb.options ?? {}) };
  return {
    name: verb.name,
    summary: verb.summary,
    usage: usageOf(verb),
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(argv, options, true);
      const names = namesFrom(verb, positionals);
      const prepared = verb.prepare ? verb.prepare(values, io) : (undefined as P);
      return runLive(io, verb.name, async () => {
        const session = await openSession(io, liveFlags(values));
        const results: Rollout[] = [];
        for (const name of names) {
          const { rollout } = await runVerb(session.cluster, session.namespace, name, verb.request(prepared));
          results.push(rollout);
          // Said as each Rollout is done, so a failure on the third name still reports the first two.
          if (session.format === 'human') io.stdout.write(`${verb.done(name, prepared)}\n`);
        }
        if (session.format !== 'human') printObjects(io, session.format, results, []);
        return EXIT.ok;
      });
    },
  };
}
