/**
 * bench:cluster's memory probes for the controller process: an RSS sampler (VmRSS from /proc every second, so the
 * report says when the peak came, relative to the image change), heap snapshots on demand (the controller runs with
 * `--heapsnapshot-signal=SIGUSR2`; a snapshot is taken at idle and when RSS first passes a threshold), and a summary
 * of V8's `--trace-gc` lines from the controller's log (how large the JS heap was around the peak, as opposed to
 * what RSS holds outside it).
 */
import { readFileSync } from 'node:fs';

/** One `/proc/<pid>/status` field in KiB, while the process lives. */
export function procStatusKib(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface RssSample {
  atMs: number;
  rssKib: number;
}

export interface RssSampler {
  samples: RssSample[];
  stop(): void;
}

/**
 * VmRSS every `intervalMs`; `trigger.fn` runs once, the first time a sample reaches `trigger.kib`.
 */
export function sampleRss(
  pid: number,
  intervalMs = 1_000,
  trigger?: { kib: number; fn: () => void },
): RssSampler {
  const samples: RssSample[] = [];
  let fired = false;
  const timer = setInterval(() => {
    const rssKib = procStatusKib(pid, 'VmRSS');
    if (rssKib === undefined) return;
    samples.push({ atMs: Date.now(), rssKib });
    if (trigger && !fired && rssKib >= trigger.kib) {
      fired = true;
      trigger.fn();
    }
  }, intervalMs);
  return { samples, stop: () => clearInterval(timer) };
}

/** The highest sample, as "N MiB at +S s" relative to `t0`. */
export function describePeak(samples: readonly RssSample[], t0: number): string {
  const peak = samples.reduce<RssSample | undefined>(
    (m, s) => (!m || s.rssKib > m.rssKib ? s : m),
    undefined,
  );
  if (!peak) return 'no samples';
  return `${(peak.rssKib / 1024).toFixed(1)} MiB at ${((peak.atMs - t0) / 1000).toFixed(1)} s after the Rollouts were created`;
}

export interface GcLine {
  /** ms since the process started */
  atMs: number;
  kind: string;
  beforeMb: number;
  beforeCommittedMb: number;
  afterMb: number;
  afterCommittedMb: number;
}

const GC_LINE =
  /(\d+) ms: (Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep)[^\d]*?([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/;

/** V8's `--trace-gc` lines in a log (other lines are skipped). */
export function parseTraceGc(log: string): GcLine[] {
  const lines: GcLine[] = [];
  for (const line of log.split('\n')) {
    const m = GC_LINE.exec(line);
    if (!m) continue;
    lines.push({
      atMs: Number(m[1]),
      kind: m[2]!,
      beforeMb: Number(m[3]),
      beforeCommittedMb: Number(m[4]),
      afterMb: Number(m[5]),
      afterCommittedMb: Number(m[6]),
    });
  }
  return lines;
}

/** The JS heap's extremes over a run: what it reached before a collection, and what stayed live after a full one. */
export function summariseGc(lines: readonly GcLine[]): string {
  if (lines.length === 0) return 'no --trace-gc lines';
  const full = lines.filter((l) => l.kind !== 'Scavenge' && l.kind !== 'Minor Mark-Sweep');
  const max = (values: number[]): string => (values.length ? Math.max(...values).toFixed(1) : 'n/a');
  return [
    `${lines.length} collections (${full.length} full)`,
    `heap used before a collection, max ${max(lines.map((l) => l.beforeMb))} MB`,
    `heap committed, max ${max(lines.map((l) => Math.max(l.beforeCommittedMb, l.afterCommittedMb)))} MB`,
    `live after a full collection, max ${max(full.map((l) => l.afterMb))} MB`,
  ].join('; ');
}
