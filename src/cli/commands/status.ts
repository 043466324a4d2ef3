import type { Rollout } from '../../api/rollout.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { EXIT } from '../command.js';
import { signalFor } from '../live/connect.js';
import { exactlyOneName, KUBE_HELP, KUBE_OPTIONS, parseTimeout, WATCH_OPTIONS } from '../live/flags.js';
import type { LivePhase } from '../live/phase.js';
import { livePhase, statusLine } from '../live/phase.js';
import type { LiveSession } from '../live/session.js';
import { liveFlags, openSession, runLive } from '../live/session.js';
import { ViewPrinter } from '../live/view-printer.js';
import { watchLoop } from '../live/watch.js';
import { styleFor } from '../output.js';

const SYNOPSIS = 'truesplit status NAME';

/** Exit codes of `status` (ADR 0100): 3 stays "internal error" for every command, so "not done yet" is 4. */
export const STATUS_EXIT = {
  healthy: EXIT.ok,
  /** Degraded (aborted, failed analysis, progress deadline exceeded), or -w timed out. */
  degraded: EXIT.problems,
  /** Progressing or Paused: the rollout has not finished (without -w, or -w interrupted). */
  pending: 4,
} as const;

export function statusExitCode(phase: LivePhase['phase']): number {
  if (phase === 'Healthy') return STATUS_EXIT.healthy;
  return phase === 'Degraded' ? STATUS_EXIT.degraded : STATUS_EXIT.pending;
}

function finished(phase: LivePhase['phase']): boolean {
  return phase === 'Healthy' || phase === 'Degraded';
}

function printPhase(io: CliIo, printer: ViewPrinter, phase: LivePhase): void {
  const style = styleFor(io);
  const paint = phase.phase === 'Healthy' ? style.green : phase.phase === 'Degraded' ? style.red : String;
  printer.print({ text: () => `${paint(statusLine(phase))}\n`, data: phase });
}

async function watchStatus(
  io: CliIo,
  session: LiveSession,
  name: string,
  timeoutMs: number | undefined,
): Promise<number> {
  const printer = new ViewPrinter(io, session.format, true, 'lines');
  let last: LivePhase | undefined;
  const end = await watchLoop({
    cluster: session.cluster,
    targets: [{ kind: 'Rollout', namespace: session.namespace, fieldSelector: `metadata.name=${name}` }],
    onChange: async () => {
      const rollout: Rollout = await session.cluster.get('Rollout', session.namespace, name);
      last = livePhase(rollout);
      printPhase(io, printer, last);
      return finished(last.phase);
    },
    timeoutMs,
    signal: signalFor(io),
  });
  if (end === 'timeout') {
    io.stderr.write(`truesplit status: timed out waiting for rollout "${name}" to be Healthy\n`);
    return STATUS_EXIT.degraded;
  }
  return last ? statusExitCode(last.phase) : STATUS_EXIT.pending;
}

export const status: Command = {
  name: 'status',
  summary:
    "Print a live Rollout's phase and message; exit code for scripts (0 Healthy, 1 Degraded, 4 not done)",
  usage: `Usage: ${SYNOPSIS} [-w] [--timeout DURATION] [flags]

Prints the Rollout's phase and message ('Paused - CanaryPauseStep'), as 'kubectl argo rollouts status' does. A
status the controller has not written for the current spec yet reads 'Progressing - waiting for rollout spec
update to be observed'. With -w, prints every change and returns once the Rollout is Healthy or Degraded, or
when --timeout passes (a pause waiting for 'promote' keeps it waiting).

Flags:
  -w, --watch           wait until the Rollout is Healthy or Degraded
  -t, --timeout DUR     with -w: give up after DUR (e.g. 30s, 5m, 1h30m; 0 = never, the default)
${KUBE_HELP}

Exit codes:
  0  Healthy
  1  Degraded (aborted, failed analysis, progress deadline exceeded), -w timed out, the Rollout was not found
     or the API server refused the request
  2  bad flags or no cluster configured
  4  Progressing or Paused: not finished yet (without -w, or -w interrupted)

Examples:
  truesplit status checkout -n shop
  truesplit status checkout -n shop -w --timeout 10m && echo released
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...KUBE_OPTIONS, ...WATCH_OPTIONS }, true);
    const name = exactlyOneName(positionals, SYNOPSIS);
    const timeoutMs = parseTimeout(values.timeout, values.watch);
    return runLive(io, 'status', async () => {
      const session = await openSession(io, liveFlags(values));
      if (values.watch) return watchStatus(io, session, name, timeoutMs);
      const phase = livePhase(await session.cluster.get('Rollout', session.namespace, name));
      printPhase(io, new ViewPrinter(io, session.format, false), phase);
      return statusExitCode(phase.phase);
    });
  },
};
