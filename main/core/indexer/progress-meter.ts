// Counts work done and derives a smoothed rate and an ETA, for progress bars in the CLI and the app.
export class ProgressMeter {
  private readonly samples: Array<{ at: number; done: number }> = [];

  constructor(private readonly windowMs = 10_000, private readonly now: () => number = Date.now) {}

  /** Records the count of finished items; returns the rate (items/s) over the recent window. */
  record(done: number): number {
    const at = this.now();
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    return this.rate();
  }

  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return 0;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  eta(remaining: number): number | null {
    const rate = this.rate();
    return rate > 0 ? remaining / rate : null;
  }
}
