/** Opening a cluster for one command, and turning what can go wrong into a message and an exit code. */
import type { Cluster } from '../../kube/cluster.js';
import { isKubeApiError } from '../../kube/errors.js';
import type { CliIo } from '../command.js';
import { EXIT } from '../command.js';
import { connectFor, NoClusterError } from './connect.js';
import type { LiveFormat } from './flags.js';
import { parseLiveOutput } from './flags.js';
import { LiveInputError } from './input-error.js';

export { LiveInputError } from './input-error.js';

export interface LiveFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  namespace?: string | undefined;
  output?: string | undefined;
}

export interface LiveSession {
  cluster: Cluster;
  /** `-n`, else the context's namespace, else `default`. */
  namespace: string;
  format: LiveFormat;
}

const stringFlag = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The kube flags out of a parseArgs result. */
export function liveFlags(values: Readonly<Record<string, unknown>>): LiveFlags {
  return {
    kubeconfig: stringFlag(values.kubeconfig),
    context: stringFlag(values.context),
    namespace: stringFlag(values.namespace),
    output: stringFlag(values.output),
  };
}

/** Flags are checked before the cluster is opened, so a typo never waits on the network. */
export async function openSession(io: CliIo, flags: LiveFlags): Promise<LiveSession> {
  const format = parseLiveOutput(flags.output);
  const connection = await connectFor(io, {
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  });
  return { cluster: connection.cluster, namespace: flags.namespace || connection.defaultNamespace, format };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

function networkError(err: unknown): boolean {
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return [code, causeCode].some((c) => typeof c === 'string' && NETWORK_CODES.has(c));
}

/** What a failure means to the person at the terminal; undefined when it is a bug (exit 3, with the stack). */
export function describeFailure(err: unknown): { message: string; code: number } | undefined {
  if (err instanceof NoClusterError) return { message: err.message, code: EXIT.usage };
  if (err instanceof LiveInputError) return { message: err.message, code: EXIT.problems };
  if (isKubeApiError(err)) return { message: err.message, code: EXIT.problems };
  if (networkError(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    return { message: `cannot reach the cluster: ${detail}`, code: EXIT.problems };
  }
  return undefined;
}

/** Runs a command body; known failures become `truesplit VERB: message` on stderr and their exit code. */
export async function runLive(io: CliIo, verb: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const failure = describeFailure(err);
    if (!failure) throw err;
    io.stderr.write(`truesplit ${verb}: ${failure.message}\n`);
    return failure.code;
  }
}
