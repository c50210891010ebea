// IndexJobQueue: a finished job's summary carries the catch-up counts (embedded, analysed, details re-read,
// why search waits), so the app can say what a pass that added no photo did; the state fits the API contract.
import { expect, it } from 'vitest';
import { IndexJobStateSchema, type IndexJobState } from '../../../common/api/contract/indexing.contract.ts';
import { IndexJobQueue } from './index-job.queue.ts';

it('a catch-up pass reports the photos it made searchable', async () => {
  const states: IndexJobState[] = [];
  let finished: (state: IndexJobState) => void = () => {};
  const done = new Promise<IndexJobState>((resolve) => (finished = resolve));
  const queue = new IndexJobQueue(
    (state) => states.push(state),
    (state) => Promise.resolve(finished(state)),
  );
  // The summary IndexService returns after embedding 49 photos listed while the search model was missing.
  queue.enqueue('rescan', 'Indexing photos the new search model has not seen yet', ['/photos'], () =>
    Promise.resolve({
      scanned: 49, unchanged: 49, indexed: 0, reused: 0, metadataRead: 0, failed: 0, removed: 0,
      modelWork: 49, embedded: 49, analysed: { text: 3 }, searchModelMissing: null, seconds: 12,
    }),
  );
  const state = await done;
  expect(state.state).toBe('done');
  expect(state.summary).toMatchObject({ indexed: 0, embedded: 49, analysed: { text: 3 }, metadataRead: 0, searchModelMissing: null });
  expect(IndexJobStateSchema.parse(state)).toEqual(state);
});
