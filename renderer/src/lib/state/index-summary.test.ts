// The finished index card's words: a catch-up pass (the search model installed later embeds photos already
// listed) says what it did, not "0 photos indexed".
import { describe, expect, it } from 'vitest';
import type { IndexJobState, IndexSummaryInfo } from '$common/api/photobind.contract.ts';
import { finishedJobTitle, indexSummaryText } from './index-summary.ts';

const none: IndexSummaryInfo = { scanned: 0, indexed: 0, reused: 0, unchanged: 0, removed: 0, failed: 0, metadataRead: 0, embedded: 0, analysed: {}, searchModelMissing: null, seconds: 1 };

describe('indexSummaryText', () => {
  it('a catch-up pass says how many photos it made searchable', () => {
    expect(indexSummaryText({ ...none, scanned: 49, unchanged: 49, embedded: 49 })).toBe('49 photos made searchable');
  });

  it('names analysis stages and re-read details with their counts', () => {
    expect(indexSummaryText({ ...none, scanned: 5, unchanged: 5, analysed: { text: 5, faces: 2 }, metadataRead: 1 })).toBe(
      '5 photos read for text · 2 photos checked for faces · details of 1 photo read again',
    );
  });

  it('photos listed without the search model say that search waits', () => {
    expect(indexSummaryText({ ...none, scanned: 16, indexed: 16, searchModelMissing: 'Search needs its model' })).toBe('16 photos added (search waits for its model)');
  });

  it('keeps the plain cases', () => {
    expect(indexSummaryText({ ...none, scanned: 8, indexed: 6, reused: 2, failed: 1 })).toBe('8 photos indexed · 1 with problems');
    expect(indexSummaryText({ ...none, scanned: 40, unchanged: 40 })).toBe('up to date (40 photos)');
    expect(indexSummaryText(none)).toBe('no photos found');
  });
});

describe('finishedJobTitle', () => {
  const state = (kind: IndexJobState['job']['kind'], summary: IndexSummaryInfo): IndexJobState => ({
    job: { id: 'job-1', kind, label: 'x', roots: ['/photos/Holidays'] },
    state: 'done',
    stage: 'done',
    progress: { phase: 'done', total: 0, done: 0, failed: 0, skipped: 0, rate: 0, etaSeconds: 0 },
    summary,
    error: null,
  });

  it('a rescan that only embedded is a catch-up; one that found nothing checked the folders', () => {
    expect(finishedJobTitle(state('rescan', { ...none, unchanged: 49, embedded: 49 }))).toBe('Caught up');
    expect(finishedJobTitle(state('rescan', { ...none, unchanged: 49 }))).toBe('Folders checked');
    expect(finishedJobTitle(state('add-folder', { ...none, indexed: 3 }))).toBe('Added Holidays');
  });
});
