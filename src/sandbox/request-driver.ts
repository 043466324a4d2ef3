/**
 * The timer around the sandbox's synthetic requests (`PathTraffic`): every tick, each synthetic client (one per path)
 * sends `ratePerSecond × tick` requests routed by the path's current predicted share; an observation counts the
 * requests of the window when it is read (ADR 0330).
 */
import type { Clock, TimerHandle } from '../kube/clock.js';
import { PathTraffic, type ObservedSplit } from './path-traffic.js';
import type { RoutablePath } from './request-simulator.js';

export interface RequestDriverOptions {
  clock: Clock;
  /** The paths and their current predicted canary share, read at every tick. */
  paths: () => readonly RoutablePath[];
  ratePerSecond?: number;
  tickMs?: number;
  windowMs?: number;
  maxRequests?: number;
  seed?: number;
  /** Called after every tick (the dashboard pushes observed shares from here). */
  onTick?: () => void;
}

export const DEFAULT_RATE_PER_SECOND = 100;
export const DEFAULT_TICK_MS = 500;
export const DEFAULT_WINDOW_MS = 10_000;
export const DEFAULT_MAX_REQUESTS = 500;

export class RequestDriver {
  private readonly traffic: PathTraffic;
  private readonly tickMs: number;
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(private readonly options: RequestDriverOptions) {
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.traffic = new PathTraffic({
      perTick: Math.max(
        1,
        Math.round(((options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND) * this.tickMs) / 1000),
      ),
      windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
      maxRequests: options.maxRequests ?? DEFAULT_MAX_REQUESTS,
      seed: options.seed ?? 42,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends one tick's worth of requests on every path now. */
  tick(): void {
    this.traffic.tick(this.options.paths(), this.options.clock.now());
    this.options.onTick?.();
  }

  observed(pathId: string): ObservedSplit {
    return this.traffic.observe(pathId, this.options.clock.now());
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.tick();
      this.schedule();
    }, this.tickMs);
  }
}
