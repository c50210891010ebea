// Indexing state: the index jobs and their progress (count, rate, ETA), from onDidIndexProgress.
import type { IndexJobState, PhotobindClient } from '$common/api/photobind.contract.ts';
import { messageOf } from './errors.ts';

/** How long the card of a finished index job stays (it says what finished). */
const DONE_CARD_MS = 8000;

export class IndexingState {
  jobs = $state.raw<IndexJobState[]>([]);
  error = $state<string | null>(null);

  /** The job to show: the running one, else the first queued, else the last finished. */
  readonly current = $derived(
    this.jobs.find((j) => j.state === 'running') ?? this.jobs.find((j) => j.state === 'queued') ?? this.jobs.at(-1) ?? null,
  );
  readonly active = $derived(this.jobs.some((j) => j.state === 'running' || j.state === 'queued'));

  private readonly api: PhotobindClient;
  private readonly onFinished: (state: IndexJobState) => void;

  constructor(api: PhotobindClient, onFinished: (state: IndexJobState) => void) {
    this.api = api;
    this.onFinished = onFinished;
    api.on('onDidIndexProgress', (state) => this.apply(state));
  }

  async load(): Promise<void> {
    this.jobs = (await this.api.indexing.status({})).jobs;
  }

  async rescan(): Promise<void> {
    this.error = null;
    try {
      await this.api.indexing.rescan({});
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async cancel(jobId: string): Promise<void> {
    await this.api.indexing.cancel({ jobId });
  }

  private dismissIfStill(jobId: string, state: IndexJobState['state']): void {
    if (this.jobs.some((j) => j.job.id === jobId && j.state === state)) this.dismiss(jobId);
  }

  dismiss(jobId: string): void {
    this.jobs = this.jobs.filter((j) => j.job.id !== jobId);
  }

  private apply(state: IndexJobState): void {
    const finished = state.state === 'done' || state.state === 'failed' || state.state === 'cancelled';
    // Keep one finished job (the latest), like the core does.
    const others = this.jobs.filter((j) => j.job.id !== state.job.id && (!finished || (j.state !== 'done' && j.state !== 'failed' && j.state !== 'cancelled')));
    this.jobs = [...others, state];
    if (finished) this.onFinished(state);
    // A finished job's card says what finished, then goes away; failures stay until dismissed.
    if (state.state === 'done') setTimeout(() => this.dismissIfStill(state.job.id, 'done'), DONE_CARD_MS);
  }
}
