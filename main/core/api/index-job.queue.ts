// Runs index jobs (add a folder, the demo album, rescans) one at a time and reports their progress as
// onDidIndexProgress states, throttled so a fast indexer does not flood the UI.
import type { IndexJob, IndexJobState } from '../../../common/api/photobind.contract.ts';
import type { IndexProgress } from '../../../common/photo.types.ts';
import type { IndexSummary } from '../indexer/index.service.ts';
import { toApiError } from './api-errors.ts';

export interface JobReporter {
  stage(stage: IndexJobState['stage']): void;
  progress(progress: IndexProgress): void;
}

export type JobRunner = (reporter: JobReporter, signal: AbortSignal) => Promise<IndexSummary>;

const PROGRESS_INTERVAL_MS = 200;
export const NO_PROGRESS: IndexProgress = { phase: 'scanning', total: 0, done: 0, failed: 0, skipped: 0, rate: 0, etaSeconds: null };

interface QueuedJob {
  job: IndexJob;
  run: JobRunner;
  controller: AbortController;
}

export class IndexJobQueue {
  private readonly states = new Map<string, IndexJobState>();
  private readonly waiting: QueuedJob[] = [];
  private current: QueuedJob | undefined;
  private lastFinished: string | undefined;
  private nextId = 1;
  private drained: Promise<void> = Promise.resolve();
  private throttle = { at: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined };

  constructor(
    private readonly publish: (state: IndexJobState) => void,
    private readonly onFinished: (state: IndexJobState) => Promise<void>,
  ) {}

  enqueue(kind: IndexJob['kind'], label: string, roots: string[], run: JobRunner): IndexJob {
    const job: IndexJob = { id: `job-${this.nextId++}`, kind, label, roots };
    this.set({ job, state: 'queued', stage: 'waiting', progress: NO_PROGRESS, summary: null, error: null });
    this.waiting.push({ job, run, controller: new AbortController() });
    if (!this.current) this.drained = this.drain();
    return job;
  }

  /** Running and queued jobs, then the last finished one. */
  status(): IndexJobState[] {
    const active = [...this.states.values()].filter((s) => s.state === 'queued' || s.state === 'running');
    const last = this.lastFinished ? this.states.get(this.lastFinished) : undefined;
    return last ? [...active, last] : active;
  }

  get busy(): boolean {
    return this.current !== undefined || this.waiting.length > 0;
  }

  /** Jobs touching a folder (to cancel them when the folder is removed). */
  jobsFor(root: string): string[] {
    return [this.current, ...this.waiting].filter((q) => q?.job.roots.includes(root)).map((q) => q!.job.id);
  }

  cancel(id: string): boolean {
    if (this.current?.job.id === id) {
      this.current.controller.abort();
      return true;
    }
    const index = this.waiting.findIndex((q) => q.job.id === id);
    if (index < 0) return false;
    const [removed] = this.waiting.splice(index, 1);
    const state = this.states.get(removed!.job.id)!;
    this.finish({ ...state, state: 'cancelled', stage: 'done' });
    return true;
  }

  /** Resolves when every queued job has finished. */
  async idle(): Promise<void> {
    while (this.busy) await this.drained;
  }

  cancelAll(): void {
    for (const queued of [...this.waiting]) this.cancel(queued.job.id);
    this.current?.controller.abort();
  }

  private async drain(): Promise<void> {
    while ((this.current = this.waiting.shift())) {
      const { job, run, controller } = this.current;
      let state = this.set({ ...this.states.get(job.id)!, state: 'running', stage: 'scanning' });
      const reporter: JobReporter = {
        stage: (stage) => {
          state = this.set({ ...state, stage, progress: NO_PROGRESS });
        },
        progress: (progress) => {
          state = { ...state, progress, stage: progress.phase === 'done' ? state.stage : state.stage === 'rendering' ? 'rendering' : progress.phase };
          this.states.set(job.id, state);
          this.publishThrottled(state);
        },
      };
      try {
        const summary = await run(reporter, controller.signal);
        const { scanned, indexed, reused, unchanged, removed, failed, metadataRead, embedded, analysed, searchModelMissing, seconds } = summary;
        const progress = { ...state.progress, phase: 'done' as const, etaSeconds: 0 };
        // The catch-up counts go along, so a pass that only embedded or analysed photos can say what it did.
        const info = { scanned, indexed, reused, unchanged, removed, failed, metadataRead, embedded, analysed: { ...analysed }, searchModelMissing, seconds };
        state = { ...state, state: 'done', stage: 'done', progress, summary: info };
      } catch (error) {
        const cancelled = controller.signal.aborted;
        state = { ...state, state: cancelled ? 'cancelled' : 'failed', stage: 'done', error: cancelled ? null : toApiError(error).toData() };
      }
      this.current = undefined;
      this.finish(state);
      await this.onFinished(state).catch(() => {});
    }
  }

  private finish(state: IndexJobState): void {
    if (this.lastFinished && this.lastFinished !== state.job.id) this.states.delete(this.lastFinished);
    this.lastFinished = state.job.id;
    this.set(state);
  }

  private set(state: IndexJobState): IndexJobState {
    this.states.set(state.job.id, state);
    clearTimeout(this.throttle.timer);
    this.throttle = { at: Date.now(), timer: undefined };
    this.publish(state);
    return state;
  }

  private publishThrottled(state: IndexJobState): void {
    const wait = this.throttle.at + PROGRESS_INTERVAL_MS - Date.now();
    clearTimeout(this.throttle.timer);
    if (wait <= 0) {
      this.throttle = { at: Date.now(), timer: undefined };
      this.publish(state);
      return;
    }
    this.throttle.timer = setTimeout(() => {
      this.throttle = { at: Date.now(), timer: undefined };
      this.publish(this.states.get(state.job.id) ?? state);
    }, wait);
  }
}
