/**
 * Leader election on a coordination.k8s.io/v1 Lease, client-go style: acquire when the lease is free or expired
 * (expiry judged on our own clock since we last saw the record change), renew every retry period, give up
 * leadership when no renewal succeeded within the renew deadline, release on shutdown.
 *
 * The renew deadline is a timer of its own, armed at every successful renewal: it fires whatever the API call in
 * flight is doing (a Lease request that hangs cannot keep a replica leading past the deadline, while a standby
 * takes over once the lease duration has passed). Losing leadership is final, as in client-go: the elector stops,
 * and a late answer to a call made while leading is ignored. Defaults 15 s / 10 s / 2 s (ADR 0053).
 */
import type { Cluster, Lease } from './cluster.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';
import { formatMicroTime } from '../util/time.js';

export const DEFAULT_LEASE_NAME = 'truesplit-controller-lock';

export interface LeaderElectionOptions {
  cluster: Cluster;
  namespace: string;
  identity: string;
  name?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (error: Error) => void;
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly name: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private running = false;
  private lastRenew = 0;
  private observedRecord = '';
  private observedAt = 0;
  private timer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? systemClock();
    this.name = options.name ?? DEFAULT_LEASE_NAME;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /**
   * Stops trying; a leader hands the lease back (holder cleared) so a standby takes over at once. Waits for a call in
   * flight at most one retry period (a hanging call must not hold up shutdown).
   */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    if (this.inFlight) await this.within(this.retryPeriodMs, this.inFlight);
    if (!this.leading) return;
    await this.within(this.retryPeriodMs, this.release()).catch((err: unknown) =>
      this.options.onError?.(err as Error),
    );
    this.clearTimers();
    this.setLeading(false);
  }

  private within(ms: number, call: Promise<void>): Promise<void> {
    let timer: TimerHandle | undefined;
    const elapsed = new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, ms)));
    return Promise.race([call, elapsed]).finally(() => timer && this.clock.clearTimeout(timer));
  }

  private clearTimers(): void {
    for (const timer of [this.timer, this.deadlineTimer]) if (timer) this.clock.clearTimeout(timer);
    this.timer = undefined;
    this.deadlineTimer = undefined;
  }

  /** Leadership ends for good: no more attempts, and no write may rely on it. */
  private lose(): void {
    this.running = false;
    this.clearTimers();
    this.setLeading(false);
  }

  /** (Re)arms the renew deadline, counted from the start of the attempt that renewed. */
  private armDeadline(renewedAt: number): void {
    if (this.deadlineTimer) this.clock.clearTimeout(this.deadlineTimer);
    const remaining = renewedAt + this.renewDeadlineMs - this.clock.now();
    this.deadlineTimer = this.clock.setTimeout(() => {
      this.deadlineTimer = undefined;
      if (this.leading) this.lose();
    }, remaining);
  }

  private tick(): void {
    this.inFlight = this.attempt().finally(() => {
      this.inFlight = undefined;
      if (this.running) this.timer = this.clock.setTimeout(() => this.tick(), this.retryPeriodMs);
    });
  }

  private async attempt(): Promise<void> {
    const now = this.clock.now();
    const acquired = await this.tryAcquireOrRenew(now).catch((err: unknown) => {
      this.options.onError?.(err as Error);
      return false;
    });
    if (!this.running) return;
    if (acquired && this.clock.now() - now < this.renewDeadlineMs) {
      this.lastRenew = now;
      this.armDeadline(now);
      this.setLeading(true);
    } else if (this.leading && this.clock.now() - this.lastRenew >= this.renewDeadlineMs) {
      this.lose();
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(now: number): Promise<boolean> {
    const { cluster, namespace, identity } = this.options;
    let lease: Lease;
    try {
      lease = await cluster.get('Lease', namespace, this.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return this.create(now);
    }
    const spec = lease.spec;
    this.observe(spec, now);
    const holder = spec.holderIdentity ?? '';
    const expired = this.observedAt + (spec.leaseDurationSeconds ?? 0) * 1000 <= now;
    if (holder !== '' && holder !== identity && !expired) return false;
    const next: Lease = {
      ...lease,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: holder === identity && spec.acquireTime ? spec.acquireTime : formatMicroTime(now),
        renewTime: formatMicroTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1),
      },
    };
    return this.write(() => cluster.update('Lease', next));
  }

  private create(now: number): Promise<boolean> {
    const { cluster, namespace, identity } = this.options;
    return this.write(() =>
      cluster.create('Lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
          acquireTime: formatMicroTime(now),
          renewTime: formatMicroTime(now),
          leaseTransitions: 0,
        },
      }),
    );
  }

  private async write(call: () => Promise<Lease>): Promise<boolean> {
    try {
      const written = await call();
      this.observe(written.spec, this.clock.now());
      return true;
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) return false;
      throw err;
    }
  }

  /** Remembers when the lease record last changed, on our clock (never trusting the holder's clock). */
  private observe(spec: Lease['spec'], now: number): void {
    const record = `${spec.holderIdentity ?? ''}|${spec.renewTime ?? ''}|${spec.leaseTransitions ?? 0}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
  }

  private async release(): Promise<void> {
    const { cluster, namespace, identity } = this.options;
    const lease = await cluster.get('Lease', namespace, this.name);
    if (lease.spec.holderIdentity !== identity) return;
    const now = formatMicroTime(this.clock.now());
    await cluster.update('Lease', {
      ...lease,
      spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
    });
  }
}
