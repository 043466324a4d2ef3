/**
 * How far V8's old generation may grow past what the last full collection left live before the next full
 * collection. V8 picks that factor itself, between 1.1 and 4, from how fast its collections run next to the
 * program: on a busy node (two cores shared, the controller's own reconciles) they look slow, the factor climbs
 * towards 4, and the heap fills with garbage. In bench:cluster at 200 Rollouts the controller kept 40–110 MB live
 * while its heap reached 250 MB before a collection, and that heap was most of the peak RSS. A fixed factor bounds
 * the peak at a known multiple of what is live, for more full collections (ADR 0285).
 */
import { setFlagsFromString } from 'node:v8';

/** `--heap-growth-percent`'s default: the old generation grows to 1.5 × what is live before a full collection. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

/** Sets V8's heap growing factor to 1 + percent/100 for this process; 0 leaves V8's own choice. */
export function limitHeapGrowth(
  percent: number,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
