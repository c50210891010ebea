// The core's handle on the model process: typed requests, streamed tokens, restart after a crash.
// See [Note: why ML runs in its own process] in model-worker.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { withoutMallocTuning } from '../../../bin/malloc-tuning.js';
import type { VideoMomentsResult } from '../video/video-moments.inference.ts';
import type { DeviceReport, IndexItem, PhotoIndexItem, IndexItemResult, IndexWork, WorkerErrorCode, WorkerInit, WorkerRequest, WorkerResponse, WorkerResultMap } from './model-process.protocol.ts';
import { unpackedPath } from '../app-paths.ts';

import { childEntry } from '../runtime-layout.ts';

/** The worker's entry: dist/core/model-worker.js when the core runs built, else the .ts through tsx. */
const entry = childEntry('model-worker', 'main/core/model-process/model-worker.ts');
// A packaged app forks the worker from app.asar.unpacked: see [Note: files unpacked from app.asar].
const WORKER = { ...entry, file: unpackedPath(entry.file) };

/** The model process died while working on a request (native crash, out of memory, killed). */
export class ModelProcessCrashedError extends Error {
  constructor(readonly exitCode: number | null, readonly signal: string | null, readonly output = '') {
    super(`The model process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${exitCode}`}).`);
    this.name = 'ModelProcessCrashedError';
  }
}

/** The model process could not be started even after restarts (each attempt died during start-up). */
export class ModelProcessStartError extends Error {
  constructor(readonly attempts: number, readonly lastCrash: ModelProcessCrashedError) {
    super(`Photobind's model process stopped while starting, ${attempts} times in a row (${lastCrash.message}) Close other programs to free memory and try again; PHOTOBIND_DEBUG=1 shows its output.`, { cause: lastCrash });
    this.name = 'ModelProcessStartError';
  }
}

/** Start-up attempts before giving up: a crash while loading models is retried like a crash later on. */
export const START_ATTEMPTS = 3;

export class ModelRequestError extends Error {
  constructor(message: string, readonly code: WorkerErrorCode) {
    super(message);
    this.name = 'ModelRequestError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onToken?: (text: string) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class ModelProcessClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private deviceReport: DeviceReport | undefined;
  private starting: Promise<DeviceReport> | undefined;
  private inStartup = false;
  /** How often the process had to be restarted (reported by status). */
  restarts = 0;
  /** The model process's last output lines (native libraries log there), kept for crash reports. */
  private outputTail = '';

  constructor(private readonly init: WorkerInit, private readonly spawnWorker: () => ChildProcess = defaultSpawn) {}

  /** True when the process runs a search model (it can embed photos and queries). */
  get canEmbed(): boolean {
    return this.init.clip !== undefined;
  }

  /** The model process's pid while it runs (benchmarks read its peak memory). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get device(): DeviceReport | undefined {
    return this.deviceReport;
  }

  /**
   * Starts (or restarts) the process and initialises its models; resolves with the device in use. A
   * process that dies during start-up (killed, out of memory while loading a model, a native crash) is
   * restarted, up to START_ATTEMPTS times, as a crash later on would be; an init error the model
   * process reports itself (a missing model file) is not retried.
   */
  start(): Promise<DeviceReport> {
    this.starting ??= (async () => {
      this.inStartup = true;
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await this.startOnce();
          } catch (error) {
            if (!(error instanceof ModelProcessCrashedError)) throw error;
            if (attempt >= START_ATTEMPTS) throw new ModelProcessStartError(attempt, error);
          }
        }
      } finally {
        this.inStartup = false;
      }
    })();
    const started = this.starting;
    started.catch(() => (this.starting = undefined));
    return started;
  }

  private async startOnce(): Promise<DeviceReport> {
    const child = this.spawnWorker();
    this.child = child;
    child.on('message', (message: WorkerResponse) => this.onMessage(message));
    // Native runtimes print provider probing noise (CUDA missing, no Vulkan) that we report ourselves
    // as device fallbacks; show it only when debugging, keep the tail for crash reports.
    const keep = (chunk: Buffer) => {
      if (process.env.PHOTOBIND_DEBUG) process.stderr.write(chunk);
      this.outputTail = (this.outputTail + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    // A failed spawn (EAGAIN, ENOMEM) or a message to a channel that just closed: a crash, not an
    // 'error' event with no listener (which would end the core).
    child.on('error', () => this.onExit(child, child.exitCode, child.signalCode));
    const report = (await this.send({ type: 'init', init: this.init })) as DeviceReport;
    this.deviceReport = report;
    return report;
  }

  async request<K extends keyof WorkerResultMap>(body: Extract<RequestBody, { type: K }>, onToken?: (text: string) => void): Promise<WorkerResultMap[K]> {
    await this.start();
    return (await this.send(body, onToken)) as WorkerResultMap[K];
  }

  /**
   * Indexes a batch. If the process crashes on it, the batch is retried photo by photo on a fresh
   * process, and a photo that crashes it twice is reported as failed instead of being retried forever.
   */
  async indexPhotos(items: PhotoIndexItem[], work: IndexWork = {}): Promise<IndexItemResult[]> {
    try {
      return await this.request({ type: 'indexPhotos', items, work });
    } catch (error) {
      if (!(error instanceof ModelProcessCrashedError)) throw error;
    }
    const results: IndexItemResult[] = [];
    for (const item of items) {
      let crashes = 0;
      for (;;) {
        try {
          results.push(...(await this.request({ type: 'indexPhotos', items: [item], work })));
          break;
        } catch (error) {
          if (!(error instanceof ModelProcessCrashedError)) throw error;
          if (++crashes >= 2) {
            results.push({ path: item.path, ok: false, kind: 'crashed-model', reason: `Photobind's model process crashed twice while reading ${item.path}; it is skipped until the file changes.`, permanent: true });
            break;
          }
        }
      }
    }
    return results;
  }

  /**
   * A video's facts, poster thumbnail and embedded moments. A video that crashes the process twice is
   * reported as failed, as a photo is.
   */
  async videoMoments(item: IndexItem): Promise<VideoMomentsResult> {
    for (let crashes = 0; ; ) {
      try {
        return await this.request({ type: 'videoMoments', item });
      } catch (error) {
        if (!(error instanceof ModelProcessCrashedError)) throw error;
        if (++crashes >= 2) {
          return { path: item.path, ok: false, kind: 'crashed-model', reason: `Photobind's model process crashed twice while reading ${item.path}; it is skipped until the file changes.`, permanent: true };
        }
      }
    }
  }

  /** Asks the process to stop a streaming request (e.g. a chat answer) early. */
  cancel(requestId: number): void {
    this.child?.send({ id: this.nextId++, type: 'cancel', target: requestId } satisfies WorkerRequest);
  }

  /** The id the next request will get (lets a caller cancel the request it is about to make). */
  peekNextId(): number {
    return this.nextId;
  }

  /**
   * Asks the visual chat model about a photo, streaming tokens; aborting the signal stops generation
   * in the model process (the promise then resolves with the text so far).
   */
  async ask(photoPath: string, messages: Array<{ role: 'user' | 'assistant'; content: string }>, options: { onToken?: (text: string) => void; signal?: AbortSignal; maxNewTokens?: number } = {}): Promise<string> {
    await this.start();
    options.signal?.throwIfAborted();
    const id = this.nextId; // the id send() is about to use
    const onAbort = () => this.child?.send({ id: this.nextId++, type: 'cancel', target: id } satisfies WorkerRequest);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.send({ type: 'ask', path: photoPath, messages, ...(options.maxNewTokens ? { maxNewTokens: options.maxNewTokens } : {}) }, options.onToken)) as string;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.starting = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  }

  private send(body: RequestBody, onToken?: (text: string) => void): Promise<unknown> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new ModelProcessCrashedError(child?.exitCode ?? null, child?.signalCode ?? null));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onToken ? { onToken } : {}) });
      child.send({ ...body, id } as WorkerRequest);
    });
  }

  private onMessage(message: WorkerResponse): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'token') {
      pending.onToken?.(message.text);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(new ModelRequestError(message.error.message, message.error.code));
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return; // a deliberate close
    this.child = undefined;
    // After a crash the next request starts a new process; during start-up, start() itself retries.
    if (!this.inStartup) this.starting = undefined;
    this.restarts++;
    const error = new ModelProcessCrashedError(code, signal, this.outputTail);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** Forks the real model worker (exported for tests that wrap it). */
export function defaultSpawn(): ChildProcess {
  return fork(WORKER.file, [], {
    execArgv: WORKER.execArgv,
    env: withoutMallocTuning(process.env), // see [Note: glibc malloc in long-running commands]
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}
