// Benchmark: memory while indexing many photos: the RSS of a real `photobind index` process (the core) and
// of its model process, sampled from /proc as the count grows. Measured in their own processes: this
// benchmark's own RSS carries whatever earlier sections left behind (sharp, onnxruntime, LanceDB caches).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { TUNED_MARK } from '../bin/malloc-tuning.js';
import { REPO_ROOT } from '../main/core/runtime-layout.ts';
import { processMemoryMb } from './bench-table.ts';
import { buildCore } from './cli-latency.bench.ts';

export interface MemorySample {
  indexed: number;
  coreRssMb: number;
  modelProcessRssMb: number | null;
}

/** Small distinct JPEGs (random colour blocks), 100 per folder, so decoding is cheap and memory is what is measured. */
async function makePhotos(root: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = path.join(root, `album-${Math.floor(i / 100)}`);
    if (i % 100 === 0) await fs.mkdir(folder, { recursive: true });
    const colour = { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 };
    const block = await sharp({ create: { width: 16, height: 12, channels: 3, background: colour } }).png().toBuffer();
    await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: 128 } } })
      .composite([{ input: block, left: (i * 7) % 140, top: (i * 3) % 100 }])
      .jpeg({ quality: 80 })
      .toFile(path.join(folder, `IMG_${i}.jpg`));
  }
}

/** Child process ids of `pid` (Linux /proc). */
async function childPids(pid: number): Promise<number[]> {
  const tasks = await fs.readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(tasks.map((task) => fs.readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.trim().split(/\s+/).filter(Boolean).map(Number));
}

export interface MemoryResult {
  samples: MemorySample[];
  seconds: number;
  /** Peak resident memory over the whole run (VmHWM, last read before exit). */
  corePeakMb: number | null;
  modelProcessPeakMb: number | null;
  /** RSS of the launcher that started the core again with the allocator tuned (null when it did not). */
  launcherMb: number | null;
}

/** The core of a `photobind` process: its relaunched child when it started itself again, else itself. */
async function coreOf(pid: number): Promise<number> {
  for (const child of await childPids(pid)) {
    const environ = await fs.readFile(`/proc/${child}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').some((pair) => pair.startsWith(`${TUNED_MARK}=`))) return child;
  }
  return pid;
}

/** Indexes `count` generated photos with `photobind index --models toy` and samples both processes' RSS. */
export async function benchIndexingMemory(count: number): Promise<MemoryResult> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-memory-'));
  const root = path.join(tmp, 'photos');
  const library = path.join(tmp, 'library');
  await makePhotos(root, count);
  buildCore(); // the core measured is the built one users run, not tsx's
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'photobind.js'), 'index', root, '--library', library, '--models', 'toy', '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const samples: MemorySample[] = [];
  const step = Math.max(250, Math.floor(count / 10));
  let next = step;
  let corePeakMb: number | null = null;
  let launcherMb: number | null = null;
  let modelProcessPeakMb: number | null = null;
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    // On Linux `photobind index` starts itself again with glibc's allocator tuned ([Note: glibc malloc in
    // long-running commands]): the core is then the launcher's child, and the launcher only waits.
    const pid = child.pid ? await coreOf(child.pid) : undefined;
    const state = await fs.readFile(path.join(library, 'index-state.json'), 'utf8').then((t) => JSON.parse(t) as { pending: number }, () => null);
    const modelPid = pid ? (await childPids(pid))[0] : undefined;
    const [coreRss, coreHwm, modelRss, modelHwm, launcherRss] = await Promise.all([processMemoryMb(pid, 'VmRSS'), processMemoryMb(pid, 'VmHWM'), processMemoryMb(modelPid, 'VmRSS'), processMemoryMb(modelPid, 'VmHWM'), pid !== child.pid ? processMemoryMb(child.pid, 'VmRSS') : null]);
    if (launcherRss !== null) launcherMb = launcherRss;
    if (coreHwm !== null) corePeakMb = coreHwm;
    if (modelHwm !== null) modelProcessPeakMb = Math.max(modelProcessPeakMb ?? 0, modelHwm);
    const indexed = state ? count - state.pending : 0;
    if (state && indexed >= next && coreRss !== null) {
      samples.push({ indexed: Math.floor(indexed / step) * step, coreRssMb: coreRss, modelProcessRssMb: modelRss });
      while (next <= indexed) next += step;
    }
  }
  const code = await exited;
  const seconds = (performance.now() - started) / 1000;
  await fs.rm(tmp, { recursive: true, force: true });
  if (code !== 0) throw new Error(`photobind index exited with ${code}: ${stderr.slice(-500)}`);
  return { samples, seconds, corePeakMb, modelProcessPeakMb, launcherMb };
}
