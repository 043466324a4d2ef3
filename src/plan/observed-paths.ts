/**
 * The observed split inside the pass (ADR 0265): the controller's latest telemetry reading (`Observation.telemetry`)
 * matched to the model's paths with `observedShareOf`, the figures the `TrafficPathsConsistent` condition adds, and
 * the gate's verdict on them for `truesplit.io/path-gate-source: observed | both`. Pure: the reading was taken
 * before the pass.
 */
import { formatShare } from '../mesh/findings.js';
import { observedShareOf, type ObservedPathShare } from '../mesh/observed-callers.js';
import type { TrafficPath } from '../mesh/types.js';
import { pathLabel } from '../mesh/types.js';
import type { PathGateInput } from '../rollout/plan-types.js';
import { isGatedPath, type PathGateSettings } from './gate.js';
import type { ObservedTelemetry } from './observation.js';

/** What one model path was observed to get. */
export interface ObservedPathFigure {
  path: Pick<TrafficPath, 'kind' | 'from'>;
  /** `pathLabel` of the path (`mesh from frontend`). */
  label: string;
  gated: boolean;
  /** Undefined: no caller this path stands for sent a request in the window. */
  observed: ObservedPathShare | undefined;
}

/** The observed split of one pass: figures per path, or why there are none. */
export type ObservedSplit =
  | { state: 'read'; window: string; minSamples: number; figures: ObservedPathFigure[] }
  | { state: 'unavailable'; reason: string };

/**
 * The figures of the reading for this canary revision; `unavailable` when the reading failed or is of another
 * revision (the canary changed since); undefined without any reading (no telemetry configured).
 */
export function observeSplit(
  telemetry: ObservedTelemetry | undefined,
  paths: readonly TrafficPath[],
  canaryHash: string,
  minSamples: number,
): ObservedSplit | undefined {
  if (!telemetry || canaryHash === '') return undefined;
  if (telemetry.error !== undefined) return { state: 'unavailable', reason: telemetry.error };
  if (telemetry.canaryRevision !== canaryHash || !telemetry.callers)
    return { state: 'unavailable', reason: `no telemetry reading of revision ${canaryHash} yet` };
  const callers = telemetry.callers;
  const modelPaths = paths.filter((p) => p.variant === undefined && p.kind !== 'ambient');
  const figures = modelPaths.map((path) => ({
    path: { kind: path.kind, from: path.from },
    label: pathLabel(path),
    gated: isGatedPath(path),
    observed: observedShareOf(path, callers, modelPaths, minSamples),
  }));
  return { state: 'read', window: telemetry.window, minSamples, figures };
}

function requests(count: number): string {
  const whole = Math.round(count);
  return `${whole} request${whole === 1 ? '' : 's'}`;
}

/** `mesh from frontend 48% of 412 requests in 1m`, or the count while below the minimum. */
export function describeObservedFigure(
  figure: ObservedPathFigure,
  window: string,
  minSamples: number,
): string {
  const observed = figure.observed;
  if (!observed || observed.totalRequests <= 0) return `${figure.label} no requests in ${window}`;
  if (observed.share === undefined)
    return `${figure.label} ${requests(observed.totalRequests)} in ${window} (fewer than ${minSamples})`;
  return `${figure.label} ${formatShare(observed.share)} of ${requests(observed.totalRequests)} in ${window}`;
}

/** What the condition's message gains: the gated paths' observed figures, or why there are none. */
export function observedNote(split: ObservedSplit | undefined): string {
  if (!split) return '';
  if (split.state === 'unavailable') return ` Observed: unavailable (${split.reason}).`;
  const gated = split.figures.filter((f) => f.gated);
  if (gated.length === 0) return '';
  return ` Observed: ${gated.map((f) => describeObservedFigure(f, split.window, split.minSamples)).join('; ')}.`;
}

/** The callers a path stands for, in words (`mesh callers in frontend`). */
function callersOf(figure: ObservedPathFigure): string {
  const { kind, from } = figure.path;
  if (kind === 'gateway') return `callers through gateway ${from}`;
  if (kind === 'mesh') return from === '*' ? 'mesh callers in other namespaces' : `mesh callers in ${from}`;
  return 'callers without a sidecar';
}

function divergence(figure: ObservedPathFigure, desiredShare: number): number {
  const share = figure.observed?.share;
  return share === undefined ? 0 : Math.abs(share - desiredShare);
}

/**
 * The gate on observed shares. Blocks while the split is unavailable (the reason is the message), while a gated path
 * is beyond the tolerance (the worst one is named), while a gated path has requests but fewer than the minimum, or
 * when no gated path had any request in the window (unless the minimum is 0). A gated path with no request at all is
 * not judged: nobody takes it now (the predicted gate, `both`, still covers it).
 */
export function decideObservedGate(
  split: ObservedSplit | undefined,
  desiredShare: number,
  tolerance: number,
): PathGateInput {
  if (!split) return { blocked: true, message: 'observed split unavailable: no telemetry reading' };
  if (split.state === 'unavailable')
    return { blocked: true, message: `observed split unavailable: ${split.reason}` };
  const gated = split.figures.filter((f) => f.gated);
  const diverging = gated
    .filter((f) => divergence(f, desiredShare) > tolerance + 1e-9)
    .sort((a, b) => divergence(b, desiredShare) - divergence(a, desiredShare));
  const worst = diverging[0];
  if (worst) {
    const more = diverging.length > 1 ? ` (+${diverging.length - 1} more diverging paths)` : '';
    const figure = describeObservedFigure(worst, split.window, split.minSamples);
    return {
      blocked: true,
      message: `observed: ${figure}, desired ${formatShare(desiredShare)}, tolerance ${formatShare(tolerance)}${more}`,
    };
  }
  const waiting = gated.find(
    (f) => f.observed && f.observed.totalRequests > 0 && f.observed.share === undefined,
  );
  if (waiting?.observed) {
    const sofar = Math.round(waiting.observed.totalRequests);
    const message = `waiting for ${split.minSamples} requests from ${callersOf(waiting)}; ${sofar} so far`;
    return { blocked: true, message: `observed: ${message} in ${split.window}` };
  }
  if (split.minSamples > 0 && !gated.some((f) => (f.observed?.totalRequests ?? 0) > 0))
    return { blocked: true, message: `observed: no requests from any gated caller path in ${split.window}` };
  return { blocked: false, message: '' };
}

/** `both`: blocked when either blocks, with both reasons. */
export function combineGates(predicted: PathGateInput, observed: PathGateInput): PathGateInput {
  if (!predicted.blocked) return observed;
  if (!observed.blocked) return predicted;
  return { blocked: true, message: `${predicted.message}; ${observed.message}` };
}

/** The gate for `truesplit.io/path-gate-source`: the model's verdict, the telemetry's, or both. */
export function observedGate(
  settings: Pick<PathGateSettings, 'source' | 'tolerance'>,
  predicted: () => PathGateInput,
  observed: ObservedSplit | undefined,
  desiredShare: number,
): PathGateInput {
  if (settings.source === 'predicted') return predicted();
  const fromTelemetry = decideObservedGate(observed, desiredShare, settings.tolerance);
  return settings.source === 'observed' ? fromTelemetry : combineGates(predicted(), fromTelemetry);
}
