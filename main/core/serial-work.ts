// Runs async work one piece at a time, in call order: each piece starts when the one before it has settled,
// succeeded or failed (a promise-chain mutex for writes that must not interleave).
export class SerialWork {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
