// Small helpers for benchmarks: timing percentiles, peak RSS sampling and a plain-text table printer.
import fs from 'node:fs/promises';

/** Another process's resident (VmRSS) or peak resident (VmHWM) memory in MB, from Linux /proc; null elsewhere. */
export async function processMemoryMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): Promise<number | null> {
  if (!pid) return null;
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb ? Number(kb) / 1024 : null;
}
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function timeRepeated(runs: number, body: (run: number) => Promise<unknown>): Promise<{ p50: number; p95: number; mean: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

/** Samples this process's RSS every 50 ms; read `.peak` at the end. */
export class PeakRss {
  peak = process.memoryUsage.rss();
  private readonly timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 50);
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return this.peak;
  }
}

export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => '| ' + r.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n### ${title}\n`);
  console.log(line(cells[0]!));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of cells.slice(1)) console.log(line(r));
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}
