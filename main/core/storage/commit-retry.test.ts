// The retry policy for LanceDB commit conflicts (pure logic: a real conflict cannot be forced on
// demand, LanceDB retries internally first; the two-process test in cli/library-lock.cli.test.ts runs
// the real thing). The message below is the one a second `photobind index` used to die with.
import { describe, expect, it } from 'vitest';
import { isCommitConflict, retryCommitConflicts } from './commit-retry.ts';

const LANCE_CONFLICT = 'Retryable commit conflict for version 42: This MergeInsert transaction was preempted by concurrent transaction Append at version 42. Please retry.';

describe('retryCommitConflicts', () => {
  it('recognises commit conflicts and nothing else', () => {
    expect(isCommitConflict(new Error(LANCE_CONFLICT))).toBe(true);
    expect(isCommitConflict(new Error('Commit conflict for version 7'))).toBe(true);
    expect(isCommitConflict(new Error('No such file or directory'))).toBe(false);
  });

  it('runs the write again after a conflict until it goes through', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryCommitConflicts(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error(LANCE_CONFLICT)) : Promise.resolve('written');
      },
      { baseDelayMs: 1, onRetry: (attempt) => retries.push(attempt) },
    );
    expect(result).toBe('written');
    expect(retries).toEqual([1, 2]);
  });

  it('gives other errors through at once, and a lasting conflict as a sentence', async () => {
    let calls = 0;
    await expect(retryCommitConflicts(() => (calls++, Promise.reject(new Error('disk full'))), { baseDelayMs: 1 })).rejects.toThrow('disk full');
    expect(calls).toBe(1);
    await expect(retryCommitConflicts(() => Promise.reject(new Error(LANCE_CONFLICT)), { attempts: 3, baseDelayMs: 1 })).rejects.toThrow(/Another process kept writing the library at the same time \(3 tries\)/);
  });
});
