/**
 * Polling with a deadline and a failure message that shows what was last seen: an e2e failure should say
 * "waited 30 s for weight 50, the VirtualService still says 20/80", not just "timed out".
 */
import { inspect } from 'node:util';

export interface WaitOptions<S = unknown> {
  timeoutMs?: number;
  intervalMs?: number;
  /** what to show of the last state on timeout (default: all of it) */
  describe?: (state: S) => unknown;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Renders an observed state for a failure message (compact, bounded). */
export function renderState(state: unknown): string {
  const text = typeof state === 'string' ? state : inspect(state, { depth: 8, breakLength: 120 });
  return text.length > 6_000 ? `${text.slice(0, 6_000)}\n… (${text.length - 6_000} more characters)` : text;
}

/**
 * Polls `observe` until `done(state)` holds and returns that state. Errors thrown by `observe` count as "not yet"
 * (the object may not exist yet); on timeout the error names `what` and shows the last state or error.
 */
export async function waitFor<S>(
  what: string,
  observe: () => Promise<S>,
  done: (state: S) => boolean,
  options: WaitOptions<S> = {},
): Promise<S> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 200;
  const started = Date.now();
  let last: { state: unknown } | { error: unknown } | undefined;
  for (;;) {
    try {
      const state = await observe();
      if (done(state)) return state;
      last = { state: options.describe ? options.describe(state) : state };
    } catch (error) {
      last = { error };
    }
    if (Date.now() - started > timeoutMs) throw new Error(timeoutMessage(what, timeoutMs, last));
    await sleep(intervalMs);
  }
}

function timeoutMessage(
  what: string,
  timeoutMs: number,
  last: { state: unknown } | { error: unknown } | undefined,
) {
  const seconds = (timeoutMs / 1000).toFixed(0);
  if (last === undefined) return `timed out after ${seconds} s waiting for ${what}; nothing observed`;
  if ('error' in last) {
    const err = last.error instanceof Error ? last.error.message : renderState(last.error);
    return `timed out after ${seconds} s waiting for ${what}; last attempt failed: ${err}`;
  }
  return `timed out after ${seconds} s waiting for ${what}; last observed state:\n${renderState(last.state)}`;
}
