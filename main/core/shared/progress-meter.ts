// Counts work done and derives a rate over a sliding window and an ETA, for progress in the CLI and the app
// (photos indexed, captions written, bytes downloaded: one meter for all of them).
//
// The rate is the work done within the last `windowMs` divided by the time it took, so it follows the
// job's current speed. Until the window spans `minSpanMs` there is no rate and no ETA ("estimating"):
// a burst at the start (photos reused without model work, a cached first megabyte) would otherwise
// promise "2333 photos/s · 1 s left" on a job that then runs at 0.7 photos/s.
export class ProgressMeter {
  private readonly samples: Array<{ at: number; done: number }> = [];
  private total = 0;

  constructor(
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
    private readonly minSpanMs = 1_500,
  ) {}

  /** Records the count of finished items so far; returns the current rate (items/s). */
  record(done: number): number {
    const at = this.now();
    this.total = done;
    this.samples.push({ at, done });
    // Keep the newest sample older than the window as the window's start, so the span covers windowMs.
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
    return this.rate();
  }

  /** Adds to the count (for streams of bytes); returns the current rate. */
  add(amount: number): number {
    return this.record(this.total + amount);
  }

  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    // (A zero span, two samples in the same millisecond, has no rate either: not NaN.)
    if (!first || !last || last.at - first.at < this.minSpanMs || last.at === first.at) return 0;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `remaining` items at the current rate; null while the rate is not known yet. */
  eta(remaining: number): number | null {
    const rate = this.rate();
    return rate > 0 ? remaining / rate : null;
  }
}
