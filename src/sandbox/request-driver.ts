/**
 * The timer around the pure request simulator: every tick, each synthetic client (one per path) sends
 * `ratePerSecond × tick` requests routed by the path's current predicted share; the window gives the observed split.
 */
import type { Clock, TimerHandle } from '../kube/clock.js';
import { ObservationWindow, type ObservedSplit } from './observation-window.js';
import { routeRequests, seededRng, type RoutablePath, type Rng } from './request-simulator.js';

export interface RequestDriverOptions {
  clock: Clock;
  /** The paths and their current predicted canary share, read at every tick. */
  paths: () => readonly RoutablePath[];
  ratePerSecond?: number;
  tickMs?: number;
  windowMs?: number;
  maxRequests?: number;
  seed?: number;
  rng?: Rng;
  /** Called after every tick (the dashboard pushes observed shares from here). */
  onTick?: () => void;
}

export const DEFAULT_RATE_PER_SECOND = 100;
export const DEFAULT_TICK_MS = 500;
export const DEFAULT_WINDOW_MS = 10_000;
export const DEFAULT_MAX_REQUESTS = 500;

export class RequestDriver {
  private readonly window: ObservationWindow;
  private readonly rng: Rng;
  private readonly tickMs: number;
  private readonly perTick: number;
  private timer: TimerHandle | undefined;
  private running = false;
  /** The paths the window was last trimmed to: a new array (paths appeared or went) trims it again. */
  private retained: readonly RoutablePath[] | undefined;

  constructor(private readonly options: RequestDriverOptions) {
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.perTick = Math.max(
      1,
      Math.round(((options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND) * this.tickMs) / 1000),
    );
    this.rng = options.rng ?? seededRng(options.seed ?? 42);
    this.window = new ObservationWindow({
      windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
      maxRequests: options.maxRequests ?? DEFAULT_MAX_REQUESTS,
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
    const paths = this.options.paths();
    const now = this.options.clock.now();
    const counts = routeRequests(paths, this.perTick, this.rng);
    for (const [id, routed] of counts) this.window.record(id, routed, now);
    if (paths !== this.retained) this.window.retain(new Set(paths.map((p) => p.id)));
    this.retained = paths;
    this.options.onTick?.();
  }

  observed(pathId: string): ObservedSplit {
    return this.window.observe(pathId, this.options.clock.now());
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.tick();
      this.schedule();
    }, this.tickMs);
  }
}
