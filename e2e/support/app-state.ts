/**
 * A compact picture of one Rollout and everything it drives — status, ReplicaSets, VirtualService weights,
 * DestinationRule subsets, Service selectors — read from the API server. Tests wait on it and assert on it, and a
 * timeout prints it.
 */
import type { Rollout } from '../../src/api/rollout.ts';
import { routeWeights } from './fixtures.ts';
import type { E2eClient } from './kube.ts';
import { waitFor } from './wait-for.ts';

export const HASH_LABEL = 'rollouts-pod-template-hash';

export interface ReplicaSetState {
  name: string;
  hash: string;
  revision: number;
  replicas: number;
  available: number;
  scaleDownDeadline?: string;
}

export interface AppState {
  phase: string | undefined;
  message: string | undefined;
  stepIndex: number | undefined;
  stableHash: string | undefined;
  currentHash: string | undefined;
  abort: boolean;
  pauses: string[];
  /** type → "status/reason" */
  conditions: Record<string, string>;
  conditionMessages: Record<string, string>;
  replicaSets: ReplicaSetState[];
  /** the weighted route `primary`: subset (or host) → weight */
  weights: Record<string, number>;
  /** DestinationRule subset → its rollouts-pod-template-hash label (subset mode) */
  subsets: Record<string, string | undefined>;
  /** Service → its rollouts-pod-template-hash selector (host mode) */
  selectors: Record<string, string | undefined>;
  rollout: Rollout;
}

export interface AppRefs {
  namespace: string;
  name: string;
  destinationRule?: string;
  services?: string[];
}

export async function observeApp(client: E2eClient, refs: AppRefs): Promise<AppState> {
  const { namespace, name } = refs;
  const rollout = await client.rollout(namespace, name);
  const status = rollout.status ?? {};
  const replicaSets = (await client.replicaSets(namespace, name)).map((rs) => ({
    name: rs.metadata.name,
    hash: rs.metadata.labels?.[HASH_LABEL] ?? '',
    revision: Number(rs.metadata.annotations?.['rollout.argoproj.io/revision'] ?? 0),
    replicas: rs.spec.replicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    ...(rs.metadata.annotations?.['scale-down-deadline']
      ? { scaleDownDeadline: rs.metadata.annotations['scale-down-deadline'] }
      : {}),
  }));
  const weights = routeWeights(await client.virtualService(namespace, name));
  const subsets: Record<string, string | undefined> = {};
  if (refs.destinationRule) {
    const dr = await client.destinationRule(namespace, refs.destinationRule);
    for (const s of dr.spec.subsets ?? []) subsets[s.name] = s.labels?.[HASH_LABEL];
  }
  const selectors: Record<string, string | undefined> = {};
  for (const svc of refs.services ?? [])
    selectors[svc] = (await client.service(namespace, svc)).spec.selector?.[HASH_LABEL];
  return {
    phase: status.phase,
    message: status.message,
    stepIndex: status.currentStepIndex,
    stableHash: status.stableRS,
    currentHash: status.currentPodHash,
    abort: status.abort === true,
    pauses: (status.pauseConditions ?? []).map((p) => p.reason),
    conditions: Object.fromEntries(
      (status.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason ?? ''}`]),
    ),
    conditionMessages: Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c.message ?? ''])),
    replicaSets,
    weights,
    subsets,
    selectors,
    rollout,
  };
}

/** The ReplicaSet of a hash, or a clear error. */
export function replicaSetOf(state: AppState, hash: string | undefined): ReplicaSetState {
  const rs = state.replicaSets.find((r) => r.hash === hash);
  if (!rs)
    throw new Error(`no ReplicaSet with hash ${hash ?? '(none)'} in ${JSON.stringify(state.replicaSets)}`);
  return rs;
}

/**
 * Healthy with the current revision stable and no traffic left on the canary weight. The pass that makes a revision
 * stable writes Healthy while the VirtualService still holds the last traffic pass's split (Argo does the same); the
 * following traffic pass moves it to 100/0. Waiting on the status alone races that pass.
 */
export function isFullyPromoted(state: AppState): boolean {
  return state.phase === 'Healthy' && state.stableHash === state.currentHash && state.weights['canary'] === 0;
}

/** Drops the full Rollout object so failure messages stay readable. */
export function summary(state: AppState): Omit<AppState, 'rollout'> {
  const { rollout: _rollout, ...rest } = state;
  return rest;
}

/** Waits until `done` holds for the app's state; a timeout shows the last state (without the raw Rollout). */
export async function waitForApp(
  client: E2eClient,
  refs: AppRefs,
  what: string,
  done: (state: AppState) => boolean,
  timeoutMs = 60_000,
): Promise<AppState> {
  return waitFor(`${refs.namespace}/${refs.name}: ${what}`, () => observeApp(client, refs), done, {
    timeoutMs,
    describe: summary,
  });
}
