// Phase marks for `bench/cli-latency.bench.ts`: with PHOTOBIND_TIMINGS=1 each mark writes
// "photobind-timing NAME MS" (milliseconds since this process started) to stderr; otherwise nothing.
import { performance } from 'node:perf_hooks';

const enabled = process.env.PHOTOBIND_TIMINGS === '1';

export function markTiming(name: string): void {
  if (enabled) process.stderr.write(`photobind-timing ${name} ${performance.now().toFixed(1)}\n`);
}
