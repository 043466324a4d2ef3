/**
 * `spec.strategy.canary.pingPong` (Argo's rollout/trafficrouting/service_helper.go): two Services take turns as the
 * stable and the canary one. `status.canary.stablePingPong` says which is stable now; it flips each time a new
 * revision becomes stable. The one rule for who is who, read by the planner (Service selectors), the Istio router
 * (route destinations) and the path model (ADR 0220). Pure.
 */
import type { Rollout, RolloutStatus } from './rollout.js';

export type PingPongRole = 'ping' | 'pong';

/** The ping-pong Services by the role they have now. */
export interface PingPongServices {
  stable: string;
  canary: string;
}

/**
 * Which Service is stable now. Argo treats an unset status as "pong is stable" until the first promotion writes
 * `ping`; truesplit reads it as ping from the start, so the first pass does not route 100 % to pong only for the
 * second to route it back to ping (same status once written, ADR 0220).
 */
export function stableIsPing(status: RolloutStatus | undefined): boolean {
  return status?.canary?.stablePingPong !== 'pong';
}

/** The ping and pong Services by role, or undefined without `pingPong`. */
export function pingPongServices(rollout: Rollout): PingPongServices | undefined {
  const pingPong = rollout.spec?.strategy?.canary?.pingPong;
  if (!pingPong?.pingService || !pingPong.pongService) return undefined;
  return stableIsPing(rollout.status)
    ? { stable: pingPong.pingService, canary: pingPong.pongService }
    : { stable: pingPong.pongService, canary: pingPong.pingService };
}

/**
 * Argo's promoteStable: when a new revision becomes stable, the Service that was the canary one becomes the stable
 * one. The first revision (no stable before it) is written `ping`, as Argo writes it.
 */
export function nextStablePingPong(status: RolloutStatus | undefined, initialDeploy: boolean): PingPongRole {
  if (initialDeploy) return 'ping';
  return stableIsPing(status) ? 'pong' : 'ping';
}

/** `rollout` as it reads with `status.canary.stablePingPong` = `role` (a simulated step's roles). */
export function withStablePingPong(rollout: Rollout, role: PingPongRole | undefined): Rollout {
  if (!role || !rollout.spec?.strategy?.canary?.pingPong) return rollout;
  const status = rollout.status ?? {};
  return { ...rollout, status: { ...status, canary: { ...(status.canary ?? {}), stablePingPong: role } } };
}

/** True when `name` is one of the Rollout's ping-pong Services. */
export function isPingPongService(rollout: Rollout, name: string | undefined): boolean {
  const pingPong = rollout.spec?.strategy?.canary?.pingPong;
  return (
    name !== undefined &&
    pingPong !== undefined &&
    (name === pingPong.pingService || name === pingPong.pongService)
  );
}
