// The model process's indexing pipeline: photos are read, hashed and decoded ahead while the model embeds earlier ones.
// [Note: indexing at the model's pace]
// A photo's work in the model process is: read the file once, hash those bytes (when the core did not),
// read metadata and decode once with shrink-on-load (see [Note: one read, one decode per photo]), write
// the thumbnail, embed, run the analyses. Done one request after another, the model waits for every
// batch's decoding and the decoders wait for every batch's inference. Here the two run as a bounded
// pipeline shared by all index requests in flight:
// - decoding runs `decodeSlots` photos at a time (libvips and the file reads run on libuv's pool, so
//   they overlap with onnxruntime's own threads);
// - decoded photos wait in a queue; photos being decoded plus those queued are at most `queueLimit`
//   (backpressure: no decode starts while the queue is full, so memory stays at slots × one file plus
//   the queue's small pixels);
// - one embed loop takes whatever is queued, up to `batchSize` photos, as soon as the model is free:
//   the model never waits for a full batch, and a full queue makes full batches;
// - the thumbnail is written while the photo waits for the model, and awaited only before the
//   request answers (a thumbnail is a cache, written before its row is committed).
// The core keeps several requests in flight (IndexService) so the decode slots always have work.
// Per-stage times are kept (`stats`) for the benchmark's breakdown: decode time as the decode threads
// measured it, embed time is the model's wall time, and `modelWaitMs` is how long the model
// sat idle waiting for decoded photos while requests were in flight.

export interface PipelineStats {
  photos: number;
  /** Time of read + hash + metadata + decode + thumbnail encoding in the decode threads, summed over photos. */
  decodeMs: number;
  /** Time spent hashing bytes in the model process (part of decodeMs). */
  hashMs: number;
  /** Model wall time (embedImages calls). */
  embedMs: number;
  embedBatches: number;
  /** Time spent writing thumbnails, summed (overlaps with the model). */
  thumbnailMs: number;
  /** Time spent in analyses (text, faces), summed. */
  analysisMs: number;
  /** How long the model waited for a decoded photo while index work was in flight. */
  modelWaitMs: number;
}

export function emptyPipelineStats(): PipelineStats {
  return { photos: 0, decodeMs: 0, hashMs: 0, embedMs: 0, embedBatches: 0, thumbnailMs: 0, analysisMs: 0, modelWaitMs: 0 };
}

interface Waiting<P> {
  pixels: P;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

export interface IndexPipelineOptions<P> {
  /** Photos decoded at the same time. */
  decodeSlots: number;
  /** Largest batch handed to the model. */
  batchSize: number;
  /** Photos being decoded or decoded and waiting for the model, at most (at least decodeSlots). */
  queueLimit: number;
  embed: (pixels: P[]) => Promise<Float32Array[]>;
}

/** Decode slots and the embed queue, shared by every index request the model process serves. */
export class IndexPipeline<P> {
  readonly stats = emptyPipelineStats();
  private decoding = 0;
  /** Decoded photos on their way into the queue. */
  private held = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly queue: Array<Waiting<P>> = [];
  private embedding = false;
  /** Requests (or photos) in flight: the model's idle time counts only while there is work. */
  private active = 0;
  private idleSince: number | null = null;

  constructor(private readonly options: IndexPipelineOptions<P>) {}

  /** Runs `work` for one photo: `decode` in a decode slot, then `after` with an `embed` that queues for the model. */
  async run<D, R>(decode: () => Promise<D>, after: (decoded: D, embed: (pixels: P) => Promise<Float32Array>) => Promise<R>): Promise<R> {
    this.enter();
    try {
      await this.acquireSlot();
      let decoded: D;
      try {
        decoded = await decode();
      } finally {
        this.decoding--;
        this.held++; // decoded, not queued yet: still counts against the queue's limit
      }
      this.stats.photos++;
      let holding = true;
      const release = () => {
        if (!holding) return;
        holding = false;
        this.held--;
        this.wakeDecoders();
      };
      try {
        return await after(decoded, (pixels) => {
          const vector = this.embedOne(pixels); // queued synchronously
          release();
          return vector;
        });
      } finally {
        release();
      }
    } finally {
      this.leave();
    }
  }

  private enter(): void {
    if (this.active++ === 0 && !this.embedding) this.idleSince = performance.now();
  }

  private leave(): void {
    if (--this.active === 0 && this.idleSince !== null) {
      this.stats.modelWaitMs += performance.now() - this.idleSince;
      this.idleSince = null;
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.hasRoom()) {
      this.decoding++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(() => {
      this.decoding++;
      resolve();
    }));
  }

  /** A slot is free and the queue, counting what is being decoded, has room: backpressure from the model. */
  private hasRoom(): boolean {
    return this.decoding < this.options.decodeSlots && this.decoding + this.held + this.queue.length < this.options.queueLimit;
  }

  private wakeDecoders(): void {
    while (this.slotWaiters.length > 0 && this.hasRoom()) this.slotWaiters.shift()!();
  }

  private embedOne(pixels: P): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pixels, resolve, reject });
      void this.pump();
    });
  }

  /** The embed loop: one model call at a time, on up to batchSize queued photos. */
  private async pump(): Promise<void> {
    if (this.embedding) return;
    this.embedding = true;
    try {
      while (this.queue.length > 0) {
        if (this.idleSince !== null) {
          this.stats.modelWaitMs += performance.now() - this.idleSince;
          this.idleSince = null;
        }
        const batch = this.queue.splice(0, this.options.batchSize);
        this.wakeDecoders();
        const started = performance.now();
        try {
          const vectors = await this.options.embed(batch.map((w) => w.pixels));
          batch.forEach((w, i) => (vectors[i] ? w.resolve(vectors[i]) : w.reject(new Error('The model returned fewer vectors than photos.'))));
        } catch (error) {
          for (const w of batch) w.reject(error);
        } finally {
          this.stats.embedMs += performance.now() - started;
          this.stats.embedBatches++;
        }
      }
    } finally {
      this.embedding = false;
      if (this.active > 0) this.idleSince = performance.now();
    }
  }
}
