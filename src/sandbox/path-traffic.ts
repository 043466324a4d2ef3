/**
 * The sandbox's synthetic requests on every path of the model, counted when an observation is read (ADR 0330). Each
 * tick, every path sends `perTick` requests routed by its predicted canary share at that tick. Nothing is stored per
 * tick and path: a path keeps when it appeared and the shares it had within the window, and the requests of tick `k`
 * are drawn from a random stream seeded by the path and `k`, so reading the same tick twice gives the same counts and
 * a window slides over the same draws, as a window of recorded batches would. Pure: time and paths are passed in.
 */
import {
  canaryFraction,
  checkShare,
  emptyCounts,
  routeBatch,
  seededRng,
  type RouteCounts,
  type RoutablePath,
} from './request-simulator.js';

export interface PathTrafficOptions {
  perTick: number;
  /** The observation covers the ticks of the last `windowMs`, at most the newest `maxRequests` (whole ticks). */
  windowMs: number;
  maxRequests: number;
  seed: number;
}

export interface ObservedSplit extends RouteCounts {
  /** Percentage (one decimal) of answered requests that reached the canary; null when none was answered. */
  share: number | null;
  requests: number;
}

/** A share a path had from tick `from` on. */
interface Segment {
  from: number;
  share: number | null;
}

interface Track extends Segment {
  /** The tick the path first sent requests on. */
  since: number;
  /** Earlier shares still inside the window, oldest first (most paths never change: none). */
  earlier: Segment[] | undefined;
  /** The last tick whose paths listed it. */
  seen: number;
  /** The path's random stream, mixed with the tick number. */
  stream: number;
}

export class PathTraffic {
  private readonly tracks = new Map<string, Track>();
  /** Times of the last `windowTicks` ticks, by tick number modulo `windowTicks`. */
  private readonly tickTimes: number[] = [];
  private readonly windowTicks: number;
  private ticks = 0;
  private last: readonly RoutablePath[] | undefined;

  constructor(private readonly options: PathTrafficOptions) {
    if (options.windowMs <= 0 || options.maxRequests <= 0 || options.perTick <= 0) {
      throw new Error('PathTraffic: windowMs, maxRequests and perTick must be positive');
    }
    this.windowTicks = Math.max(1, Math.floor(options.maxRequests / options.perTick));
  }

  /** One tick at `now`: every path of `paths` sends its requests. The same array as last time costs nothing. */
  tick(paths: readonly RoutablePath[], now: number): void {
    const tick = this.ticks++;
    if (paths !== this.last) this.follow(paths, tick);
    this.last = paths;
    this.tickTimes[tick % this.windowTicks] = now;
  }

  /** The requests of the window ending at `now` on `pathId`; none for a path no tick listed. */
  observe(pathId: string, now: number): ObservedSplit {
    const total = emptyCounts();
    const track = this.tracks.get(pathId);
    const oldest = Math.max(0, this.ticks - this.windowTicks, track?.since ?? this.ticks);
    for (let k = this.ticks - 1; track && k >= oldest; k--) {
      if ((this.tickTimes[k % this.windowTicks] ?? 0) <= now - this.options.windowMs) break;
      const counts = routeBatch(shareAt(track, k), this.options.perTick, seededRng(mix(track.stream, k)));
      total.canary += counts.canary;
      total.stable += counts.stable;
      total.failed += counts.failed;
    }
    const fraction = canaryFraction(total);
    const share = fraction === null ? null : Math.round(fraction * 1000) / 10;
    return { ...total, share, requests: total.canary + total.stable + total.failed };
  }

  /** Paths followed now (those the last tick listed). */
  get size(): number {
    return this.tracks.size;
  }

  /** New paths start at `tick`, changed shares take effect from it, and paths no longer listed are forgotten. */
  private follow(paths: readonly RoutablePath[], tick: number): void {
    let listed = 0;
    for (const { id, canaryShare: share } of paths) {
      checkShare(share, () => `PathTraffic: path ${id}`);
      const track = this.tracks.get(id);
      if (!track) {
        this.tracks.set(id, {
          from: tick,
          share,
          since: tick,
          seen: tick,
          stream: streamOf(id, this.options.seed),
          earlier: undefined,
        });
        listed++;
        continue;
      }
      if (track.seen !== tick) listed++;
      track.seen = tick;
      if (track.share !== share) this.change(track, share, tick);
      else if (track.earlier && track.from <= tick - this.windowTicks) track.earlier = undefined;
    }
    if (listed === this.tracks.size) return;
    for (const [id, track] of this.tracks) if (track.seen !== tick) this.tracks.delete(id);
  }

  /** From `tick` on the path routes by `share`; the share it had until now stays readable while in the window. */
  private change(track: Track, share: number | null, tick: number): void {
    const start = tick - this.windowTicks;
    const earlier = (track.earlier ?? []).filter((_, i, all) => (all[i + 1]?.from ?? track.from) > start);
    earlier.push({ from: track.from, share: track.share });
    track.earlier = earlier;
    track.from = tick;
    track.share = share;
  }
}

/** The share a path had at tick `k`. */
function shareAt(track: Track, k: number): number | null {
  if (k >= track.from || !track.earlier) return track.share;
  for (let i = track.earlier.length - 1; i >= 0; i--) {
    const segment = track.earlier[i]!;
    if (segment.from <= k) return segment.share;
  }
  return track.earlier[0]?.share ?? track.share;
}

/** FNV-1a of the path id, mixed with the driver's seed. */
function streamOf(id: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function mix(stream: number, tick: number): number {
  return (stream ^ Math.imul(tick + 1, 0x9e3779b1)) >>> 0;
}
