/** Small statistics helpers shared by the benchmark scripts. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function formatMicros(ms: number): string {
  return `${(ms * 1000).toFixed(1)} µs`;
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export interface Figure {
  name: string;
  value: string;
  goal?: string;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) {
    console.log(`  ${f.name.padEnd(width)}  ${f.value}${f.goal ? `   (goal ${f.goal})` : ''}`);
  }
}
