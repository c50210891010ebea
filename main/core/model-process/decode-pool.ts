// Decode threads of the model process: photos are read, hashed, decoded and thumbnailed there while the model runs.
// See [Note: indexing at the model's pace] in index-pipeline.ts.
import { Worker } from 'node:worker_threads';
import type { ProblemKind } from '../../../common/photo.types.ts';
import type { DecodePhotoOptions, ModelPixels } from '../media/photo-decoder.ts';
import type { PhotoMetadata } from '../media/photo-metadata.reader.ts';
import { pathToFileURL } from 'node:url';
import { childEntry, RUNNING_BUILT } from '../runtime-layout.ts';
import { unpackedPath } from '../app-paths.ts';

export interface DecodeJob {
  id: number;
  path: string;
  /** Absent: the thread hashes the bytes it reads. */
  contentHash?: string;
  options: DecodePhotoOptions;
  thumbnailsDir: string;
}

export type DecodeJobResult =
  | {
      id: number;
      status: 'decoded';
      contentHash: string;
      format: string;
      width: number;
      height: number;
      metadata: PhotoMetadata;
      modelPixels: ModelPixels;
      analysisPixels?: ModelPixels;
      decodeMs: number;
      hashMs: number;
      thumbnailMs: number;
    }
  | { id: number; status: 'problem'; kind: ProblemKind; message: string; transient: boolean; decodeMs: number; hashMs: number }
  /** The library's disk is full (the whole request fails, see writeThumbnail in model-worker.ts). */
  | { id: number; status: 'disk-full' };

const entry = childEntry('decode-thread', 'main/core/model-process/decode-thread.ts');

/** From the sources a thread registers tsx's loader first (--import in execArgv does not reach worker threads). */
function fromSources(file: string): string {
  return `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
}
// A packaged app loads it from app.asar.unpacked: see [Note: files unpacked from app.asar].
const THREAD = { ...entry, file: unpackedPath(entry.file) };

interface Job {
  job: Omit<DecodeJob, 'id'>;
  resolve: (result: DecodeJobResult) => void;
  reject: (error: Error) => void;
}

/** `size` decode threads, each decoding one photo at a time; jobs beyond that wait in order. */
export class DecodePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly waiting: Job[] = [];
  private started = 0;
  private nextId = 1;

  constructor(private readonly size: number) {}

  decode(job: Omit<DecodeJob, 'id'>): Promise<DecodeJobResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const next = this.waiting.shift()!;
      this.busy.set(worker, next);
      worker.postMessage({ ...next.job, id: this.nextId++ } satisfies DecodeJob);
    }
  }

  private spawn(): Worker {
    this.started++;
    const worker = RUNNING_BUILT ? new Worker(THREAD.file) : new Worker(fromSources(THREAD.file), { eval: true });
    worker.unref(); // never keeps the model process alive on its own
    worker.on('message', (result: DecodeJobResult) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      job?.resolve(result);
      this.dispatch();
    });
    // An exception that escaped the thread: its photo fails the request (as a throw in the model
    // process would), and a fresh thread takes its place.
    worker.on('error', (error) => this.retire(worker, error));
    worker.on('exit', (code) => this.retire(worker, new Error(`A decode thread stopped (exit code ${code}).`)));
    return worker;
  }

  private retire(worker: Worker, error: Error): void {
    const job = this.busy.get(worker);
    const wasKnown = job !== undefined || this.idle.includes(worker);
    this.busy.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (wasKnown) this.started--;
    job?.reject(error);
    this.dispatch();
  }

  async close(): Promise<void> {
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
