/** Small helpers every benchmark shares: timing, percentiles, figures printed one per line. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Prints one figure as `bench  name  value unit`, easy to grep and to compare between runs. */
export function report(bench: string, name: string, value: number, unit: string): void {
  const shown = Number.isFinite(value) ? (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2)) : String(value);
  console.log(`${bench.padEnd(12)} ${name.padEnd(48)} ${shown} ${unit}`);
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}
