/**
 * Figures for `npm run bench:cluster`, computed from watch histories and the controller's /metrics: per-step latency
 * from "canary ReplicaSet available at the step's size" to "VirtualService written with the step's weight", and API
 * requests per completed step.
 */
import type { VirtualService } from '../src/api/istio.ts';
import type { ReplicaSet } from '../src/api/workloads.ts';
import type { RequestCount } from '../e2e/support/controller-process.ts';
import { WRITE_VERBS } from '../e2e/support/controller-process.ts';
import type { RecordedVersion } from '../e2e/support/history.ts';

export interface StepLatency {
  rollout: string;
  step: number;
  ms: number;
}

function ownerName(rs: ReplicaSet): string | undefined {
  return rs.metadata.ownerReferences?.find((o) => o.kind === 'Rollout')?.name;
}

/** When each rollout's revision-`revision` ReplicaSet first had at least n available pods, per n. */
function availableTimes(
  rsVersions: RecordedVersion<ReplicaSet>[],
  revision: string,
): Map<string, Map<number, number>> {
  const times = new Map<string, Map<number, number>>();
  for (const v of rsVersions) {
    const rs = v.object;
    const owner = ownerName(rs);
    if (!owner || rs.metadata.annotations?.['rollout.argoproj.io/revision'] !== revision) continue;
    const perCount = times.get(owner) ?? new Map<number, number>();
    times.set(owner, perCount);
    const available = rs.status?.availableReplicas ?? 0;
    for (let n = 1; n <= available; n++) if (!perCount.has(n)) perCount.set(n, v.at);
  }
  return times;
}

/** When each VirtualService first carried canary weight w on route `primary`, per w. */
function weightTimes(vsVersions: RecordedVersion<VirtualService>[]): Map<string, Map<number, number>> {
  const times = new Map<string, Map<number, number>>();
  for (const v of vsVersions) {
    const primary = v.object.spec.http?.find((r) => r.name === 'primary');
    const weight = primary?.route?.find((d) => d.destination.subset === 'canary')?.weight ?? 0;
    const name = v.object.metadata.name;
    const perWeight = times.get(name) ?? new Map<number, number>();
    times.set(name, perWeight);
    if (!perWeight.has(weight)) perWeight.set(weight, v.at);
  }
  return times;
}

/** Latency per (rollout, setWeight step); VirtualService and Rollout share a name in the bench fixtures. */
export function stepLatencies(
  rsVersions: RecordedVersion<ReplicaSet>[],
  vsVersions: RecordedVersion<VirtualService>[],
  weights: number[],
  replicas: number,
  sinceMs: number,
): StepLatency[] {
  const available = availableTimes(rsVersions, '2');
  const written = weightTimes(vsVersions.filter((v) => v.at >= sinceMs));
  const out: StepLatency[] = [];
  for (const [rollout, perCount] of available) {
    weights.forEach((weight, step) => {
      const ready = perCount.get(Math.ceil((replicas * weight) / 100));
      const vs = written.get(rollout)?.get(weight);
      if (ready !== undefined && vs !== undefined) out.push({ rollout, step, ms: Math.max(0, vs - ready) });
    });
  }
  return out;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** after − before, per (kind, verb), successful or not. */
export function requestDelta(before: RequestCount[], after: RequestCount[]): Map<string, number> {
  const key = (c: RequestCount) => `${c.verb} ${c.kind}`;
  const delta = new Map<string, number>();
  for (const c of after) delta.set(key(c), (delta.get(key(c)) ?? 0) + c.count);
  for (const c of before) delta.set(key(c), (delta.get(key(c)) ?? 0) - c.count);
  return new Map([...delta].filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b)));
}

export function sumWhere(delta: Map<string, number>, pred: (verb: string, kind: string) => boolean): number {
  let total = 0;
  for (const [key, n] of delta) {
    const [verb = '', kind = ''] = key.split(' ');
    if (pred(verb, kind)) total += n;
  }
  return total;
}

export const isWrite = (verb: string) => WRITE_VERBS.has(verb);
