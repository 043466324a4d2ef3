/** Kubernetes timestamps. Pure: time is always an argument (epoch milliseconds), never read here. */

/** RFC 3339 at whole-second precision in UTC (`2026-05-04T10:00:00Z`), as Go's time.RFC3339 and Kubernetes write. */
export function formatTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with exactly six fractional digits, the only form a Lease's MicroTime fields accept. */
export function formatMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Epoch milliseconds of an RFC 3339 time, or undefined when absent or unreadable. */
export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
