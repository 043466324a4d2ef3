/**
 * What can be known about whether the routing truesplit wrote is in effect in the proxies (ADR 0275), strongest
 * first: istiod's own config-distribution status on the VirtualServices and DestinationRule, then the observed split
 * from telemetry. Pure: each function reads objects or numbers the observation already holds.
 */
import type { IstioStatus } from '../api/istio.js';

export type PropagationSignal = 'istio-status' | 'telemetry';

/** One signal's verdict on the routing as it stands, or `none`: nothing tells. */
export type RoutingEvidence =
  { signal: PropagationSignal; inEffect: boolean; detail: string } | { signal: 'none'; detail: string };

/** A VirtualService or DestinationRule as the rule reads it. */
export interface RoutingObject {
  kind: string;
  metadata: { name: string; generation?: number };
  status?: IstioStatus;
}

export const RECONCILED_CONDITION = 'Reconciled';

function reconciledCondition(status: IstioStatus | undefined) {
  return status?.conditions?.find((c) => c.type === RECONCILED_CONDITION);
}

function observedGeneration(status: IstioStatus | undefined): number | undefined {
  const raw = status?.observedGeneration;
  const value = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `VirtualService web: generation 5 reconciled (3/3 proxies up to date.)`, or why not. */
function objectVerdict(object: RoutingObject, written: boolean): { inEffect: boolean; detail: string } {
  const name = `${object.kind} ${object.metadata.name}`;
  if (written)
    return { inEffect: false, detail: `${name}: written in this pass, not yet reported by istiod` };
  const generation = object.metadata.generation;
  const observed = observedGeneration(object.status);
  const reconciled = reconciledCondition(object.status);
  const proxies = reconciled?.message ? ` (${reconciled.message.trim()})` : '';
  if (generation === undefined || observed === undefined || observed < generation) {
    const seen = observed === undefined ? 'none' : String(observed);
    return {
      inEffect: false,
      detail: `${name}: generation ${generation ?? '?'} not reported yet (istiod at ${seen})`,
    };
  }
  if (reconciled?.status !== 'True')
    return { inEffect: false, detail: `${name}: generation ${generation} not reconciled${proxies}` };
  return { inEffect: true, detail: `${name}: generation ${generation} reconciled${proxies}` };
}

/**
 * istiod's distribution tracking: the routing is in effect when every routing object reports its current generation
 * (`status.observedGeneration` ≥ `metadata.generation`) with `Reconciled` True — every connected proxy acknowledged
 * it. Tracking counts as on when any of the objects carries a `Reconciled` condition (istiod writes one on every
 * Istio config it distributes); none: `none`. `written`: names (`Kind/name`) this pass writes, not in effect yet.
 */
export function istioStatusEvidence(
  objects: readonly RoutingObject[],
  written: ReadonlySet<string>,
): RoutingEvidence {
  if (!objects.some((o) => reconciledCondition(o.status) !== undefined))
    return {
      signal: 'none',
      detail:
        'no VirtualService or DestinationRule carries istiod distribution status (PILOT_ENABLE_STATUS off)',
    };
  const verdicts = objects.map((o) => objectVerdict(o, written.has(routingObjectKey(o))));
  const pending = verdicts.filter((v) => !v.inEffect);
  const shown = pending.length > 0 ? pending : verdicts;
  return {
    signal: 'istio-status',
    inEffect: pending.length === 0,
    detail: shown.map((v) => v.detail).join('; '),
  };
}

export function routingObjectKey(object: RoutingObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

/**
 * The narrow input telemetry gives the rule: per caller, the canary share observed since the routing last changed
 * (undefined below the minimum sample size), and the share the routing now written should give.
 */
export interface TelemetryEvidence {
  callers: readonly { caller: string; share: number | undefined }[];
  desiredShare: number;
  /** Largest |observed − desired| that still counts as following (fraction 0..1). */
  tolerance: number;
}

/** In effect when every caller with enough samples follows the desired share; no caller with enough samples: `none`. */
export function telemetryEvidenceOf(input: TelemetryEvidence): RoutingEvidence {
  const judged = input.callers.filter((c): c is { caller: string; share: number } => c.share !== undefined);
  if (judged.length === 0)
    return { signal: 'none', detail: 'no caller has enough requests in the telemetry window' };
  const off = judged.filter((c) => Math.abs(c.share - input.desiredShare) > input.tolerance + 1e-9);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const detail = (off.length > 0 ? off : judged)
    .map((c) => `${c.caller} observed ${pct(c.share)} canary, desired ${pct(input.desiredShare)}`)
    .join('; ');
  return { signal: 'telemetry', inEffect: off.length === 0, detail };
}

/** The strongest signal that knows something; `none` (with every signal's reason) when none does. */
export function strongestEvidence(...evidence: readonly RoutingEvidence[]): RoutingEvidence {
  const known = evidence.find((e) => e.signal !== 'none');
  if (known) return known;
  return { signal: 'none', detail: evidence.map((e) => e.detail).join('; ') };
}
