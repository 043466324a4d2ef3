/**
 * Leader election on a coordination.k8s.io/v1 Lease, client-go style: acquire when the lease is free or expired
 * (expiry judged on our own clock since we last saw the record change), renew every retry period, give up
 * leadership when no renewal succeeded within the renew deadline, release on shutdown.
 */
import type { Cluster, Lease } from './cluster.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';

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

/** RFC 3339 with exactly six fractional digits, the only form a Lease's MicroTime fields accept. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
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

  /** Stops trying; a leader hands the lease back (holder cleared) so a standby takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    await this.inFlight;
    if (!this.leading) return;
    await this.release().catch((err: unknown) => this.options.onError?.(err as Error));
    this.setLeading(false);
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
    if (acquired) {
      this.lastRenew = now;
      this.setLeading(true);
    } else if (this.leading && this.clock.now() - this.lastRenew >= this.renewDeadlineMs) {
      this.setLeading(false);
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
        acquireTime: holder === identity && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
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
          acquireTime: microTime(now),
          renewTime: microTime(now),
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
    const now = microTime(this.clock.now());
    await cluster.update('Lease', {
      ...lease,
      spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
    });
  }
}
