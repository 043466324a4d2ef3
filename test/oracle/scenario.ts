import { stringify } from 'yaml';
import type { KubeObject } from '../../src/api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/index.js';
import type { CallerDeclaration, PathKind, RolloutTrafficState, TrafficPath } from '../../src/mesh/index.js';
import { analyzeRollout, snapshotFromObjects } from '../../src/mesh/index.js';
import type { OracleAnswer, OracleCaller, OracleRequest, OracleResult } from './client.js';

/** One question to both sides: a caller dialling a host, and the model path that answers for it. */
export interface Probe {
  caller: OracleCaller;
  host: string;
  port: number;
  path: { kind: PathKind; from: string; variant?: string };
}

/** Manifests (with Pods), the Rollout's traffic state and the probes; the family names the table row. */
export interface OracleScenario {
  family: string;
  name: string;
  objects: KubeObject[];
  state: RolloutTrafficState;
  probes: Probe[];
}

export type Verdict = 'agree' | 'uncertain' | 'disagree';

export interface Judgement {
  verdict: Verdict;
  probe: Probe;
  model: number | null | undefined;
  oracle: number | null | undefined;
  detail: string;
}

export const UNCERTAIN_CODE = 'prediction-uncertain';

const callerKey = (c: OracleCaller) => `${c.kind}|${c.namespace}|${JSON.stringify(c.labels ?? {})}`;

/**
 * The manifests as YAML Istio's parser (YAML 1.1) reads back as written: strings such as `yes`, `on` or `y` are
 * quoted, where YAML 1.2 output leaves them bare and Istio would read booleans.
 */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o, { version: '1.1' })).join('---\n');
}

export function oracleRequest(scenario: OracleScenario, id: string): OracleRequest {
  const callers = new Map<string, OracleCaller>();
  const hosts = new Map<string, { host: string; port: number }>();
  for (const p of scenario.probes) {
    callers.set(callerKey(p.caller), p.caller);
    hosts.set(`${p.host}:${p.port}`, { host: p.host, port: p.port });
  }
  // After full promotion the canary ReplicaSet is the stable one: no pod is canary any more (as the model counts).
  const { canaryHash, stableHash } = scenario.state;
  const canary = canaryHash === '' || canaryHash === stableHash ? 'none' : canaryHash;
  return {
    id,
    manifests: manifestsYaml(scenario.objects),
    callers: [...callers.values()],
    hosts: [...hosts.values()],
    canary: `${POD_TEMPLATE_HASH_LABEL}=${canary}`,
  };
}

/** The model's paths, with every probe's caller declared (sidecar callers injected, plain ones not). */
export function modelPaths(scenario: OracleScenario): TrafficPath[] {
  const snapshot = snapshotFromObjects(scenario.objects);
  const declared = new Map<string, CallerDeclaration>();
  for (const { caller } of scenario.probes) {
    if (caller.kind === 'gateway') continue;
    declared.set(`${caller.kind}|${caller.namespace}`, {
      namespace: caller.namespace,
      injected: caller.kind === 'sidecar',
    });
  }
  snapshot.callers = [...declared.values()];
  return analyzeRollout(snapshot, scenario.state).paths;
}

function findResult(answer: OracleAnswer, probe: Probe): OracleResult | undefined {
  return (answer.results ?? []).find(
    (r) =>
      callerKey(r.caller) === callerKey(probe.caller) &&
      r.target.host === probe.host &&
      r.target.port === probe.port,
  );
}

const same = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) < 1e-6;

/** Agree: the same share (or both fail); uncertain: the model says it cannot tell; disagree otherwise. */
export function judge(paths: readonly TrafficPath[], answer: OracleAnswer, probe: Probe): Judgement {
  const path = paths.find(
    (p) => p.kind === probe.path.kind && p.from === probe.path.from && p.variant === probe.path.variant,
  );
  const result = findResult(answer, probe);
  const base = { probe, model: path?.canaryShare, oracle: result?.canaryShare };
  if (!result) return { ...base, verdict: 'disagree', detail: `oracle: no answer (${answer.error ?? ''})` };
  const why = `oracle ${result.outcome}${result.note ? ` (${result.note})` : ''}`;
  if (!path) return { ...base, verdict: 'disagree', detail: `model: no path; ${why}` };
  if (path.findings.includes(UNCERTAIN_CODE)) return { ...base, verdict: 'uncertain', detail: why };
  const verdict = same(path.canaryShare, result.canaryShare) ? 'agree' : 'disagree';
  return { ...base, verdict, detail: `${why}; model findings ${path.findings.join(',') || '-'}` };
}

/** Everything about one scenario, for investigating a disagreement: manifests, the oracle's answer, the model. */
export function dumpScenario(
  scenario: OracleScenario,
  answer: OracleAnswer,
  paths: readonly TrafficPath[],
): void {
  const text = [
    `=== ${scenario.name}`,
    manifestsYaml(scenario.objects),
    `--- oracle`,
    JSON.stringify(answer, null, 1),
    `--- model`,
    JSON.stringify(paths, null, 1),
  ];
  console.log(text.join('\n'));
}
