// Benchmark: how long `photobind` commands take from a shell — `--version`, `--help`, `status` and a cold
// `search` on the demo library (toy models) — built (dist/core) and from the TypeScript sources through tsx
// (the layout before the build; tsx's compile cache warm), with the phase breakdown from PHOTOBIND_TIMINGS
// marks: process start → CLI loaded → library open → model process ready → query embedded (the text
// encoder loads on first use, see [Note: device fallback]) → done.
// Standalone: node bin/run-ts.js bench/cli-latency.bench.ts [--runs=N]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../main/core/runtime-layout.ts';
import { percentile, printTable } from './bench-table.ts';

const CLI = path.join(REPO_ROOT, 'bin', 'photobind.js');
/** GNU time gives the CPU time of the command and the child processes it waited for (the model process). */
const GNU_TIME = process.platform === 'linux' && existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

export interface CliLatencyRow {
  command: string;
  layout: 'built' | 'tsx';
  runs: number;
  /** Median wall time from spawn to exit, ms. */
  wallMs: number;
  minWallMs: number;
  /** Median CPU time (user + system) of the command and its model process, ms; null without GNU time. */
  cpuMs: number | null;
  /** Median ms since process start at each mark (null when the command has no such phase). */
  cliLoadedMs: number | null;
  coreOpenMs: number | null;
  modelReadyMs: number | null;
  queryEmbeddedMs: number | null;
  doneMs: number | null;
}

interface OneRun {
  wallMs: number;
  cpuMs: number | null;
  marks: Map<string, number>;
}

async function runOnce(args: string[], env: Record<string, string>): Promise<OneRun> {
  const timeFile = path.join(os.tmpdir(), `pb-cli-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [command, commandArgs] = GNU_TIME
    ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  const started = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, PHOTOBIND_TIMINGS: '1' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`photobind ${args.join(' ')} exited with ${code}: ${err.slice(-500)}`))));
  });
  const wallMs = performance.now() - started;
  const marks = new Map<string, number>();
  for (const match of stderr.matchAll(/^photobind-timing (\S+) ([\d.]+)$/gm)) marks.set(match[1]!, Number(match[2]));
  let cpuMs: number | null = null;
  if (GNU_TIME) {
    const [user, system] = (await fs.readFile(timeFile, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
    cpuMs = ((user ?? NaN) + (system ?? NaN)) * 1000;
    await fs.rm(timeFile, { force: true });
  }
  return { wallMs, cpuMs, marks };
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const medianOrNull = (values: Array<number | undefined>) => {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length ? median(present) : null;
};

/** Wall time of `node -e 0`: the floor any Node command pays before running a line of Photobind. */
export function bareNodeStartMs(runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Builds dist/core from this checkout, so benchmarks of the CLI measure the built layout of what is here. */
export function buildCore(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'build-core.js')], { stdio: 'ignore' });
}

/** Builds dist/core (so "built" measures this checkout), then times each command `runs` times per layout. */
export async function benchCliLatency(libraryDir: string, runs: number): Promise<CliLatencyRow[]> {
  buildCore();
  const commands: Array<{ name: string; args: string[] }> = [
    { name: '--version', args: ['--version'] },
    { name: '--help', args: ['--help'] },
    { name: 'status', args: ['status', '--library', libraryDir] },
    { name: 'search (cold)', args: ['search', 'red car at night', '--library', libraryDir, '--limit', '10'] },
  ];
  const rows: CliLatencyRow[] = [];
  for (const { name, args } of commands) {
    for (const layout of ['built', 'tsx'] as const) {
      const env: Record<string, string> = layout === 'tsx' ? { PHOTOBIND_FROM_SOURCE: '1' } : {};
      const results: OneRun[] = [];
      for (let i = 0; i < runs; i++) results.push(await runOnce(args, env));
      const cpu = results.map((r) => r.cpuMs).filter((c): c is number => c !== null);
      rows.push({
        command: name,
        layout,
        runs,
        wallMs: median(results.map((r) => r.wallMs)),
        minWallMs: Math.min(...results.map((r) => r.wallMs)),
        cpuMs: cpu.length ? median(cpu) : null,
        cliLoadedMs: medianOrNull(results.map((r) => r.marks.get('cli-loaded'))),
        coreOpenMs: medianOrNull(results.map((r) => r.marks.get('core-open'))),
        modelReadyMs: medianOrNull(results.map((r) => r.marks.get('model-ready'))),
        queryEmbeddedMs: medianOrNull(results.map((r) => r.marks.get('query-embedded'))),
        doneMs: medianOrNull(results.map((r) => r.marks.get('cli-done'))),
      });
    }
  }
  return rows;
}

/** Renders the toy demo album into `libraryDir` and indexes it (what `photobind demo` does). */
export function makeDemoLibrary(libraryDir: string, count: number): void {
  execFileSync(process.execPath, [CLI, 'demo', '--library', libraryDir, '--count', String(count), '--json'], { stdio: 'ignore' });
}

/** Table rows: each phase as ms since process start, and the step it took (model process start, text encoder load + query embedding, search). */
export function cliLatencyTable(rows: CliLatencyRow[], nodeStartMs: number): { header: string[]; rows: Array<Array<string | number>> } {
  const dash = (v: number | null) => (v === null ? '-' : v);
  const step = (to: number | null, from: number | null) => (to !== null && from !== null ? to - from : null);
  return {
    header: ['command', 'layout', 'wall p50 (ms)', 'wall min', 'CPU (ms, incl. model process)', 'CLI loaded', 'library open', 'model process ready', 'query embedded', 'done', 'model process start (ms)', 'text encoder load + embed (ms)', 'search + print (ms)', 'wall / bare node start'],
    rows: rows.map((r) => [
      r.command, r.layout, r.wallMs, r.minWallMs, dash(r.cpuMs), dash(r.cliLoadedMs), dash(r.coreOpenMs), dash(r.modelReadyMs), dash(r.queryEmbeddedMs), dash(r.doneMs),
      dash(step(r.modelReadyMs, r.coreOpenMs)), dash(step(r.queryEmbeddedMs, r.modelReadyMs)), dash(step(r.doneMs, r.queryEmbeddedMs ?? r.modelReadyMs)),
      `${(r.wallMs / nodeStartMs).toFixed(1)}×`,
    ]),
  };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-cli-'));
  try {
    const library = path.join(tmp, 'demo-library');
    makeDemoLibrary(library, 300);
    const nodeStart = bareNodeStartMs(5);
    const table = cliLatencyTable(await benchCliLatency(library, runs), nodeStart);
    printTable(`CLI latency, demo library (300 photos, toy models); bare \`node -e 0\` ${nodeStart.toFixed(0)} ms; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`, table.header, table.rows);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
