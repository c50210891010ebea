// Tests folding video moments into a ranking: each video once, at its best moment, filtered videos left out.
import { describe, expect, it } from 'vitest';
import type { Photo } from '../../../common/photo.types.ts';
import { mergeMomentHits } from './moment-ranking.ts';

function item(name: string, format: string, contentHash = name): Photo {
  return {
    path: `/lib/${name}.${format}`, root: '/lib', folder: '/lib', fileName: `${name}.${format}`, contentHash, size: 1, mtimeMs: 0, format,
    width: 320, height: 240, takenAt: null, gps: null, cameraMake: null, cameraModel: null, description: null, keywords: [], caption: null,
    captionModel: null, captionAt: null, captionEdited: false, modelId: 'm', indexedAt: '2026-01-01T00:00:00Z',
  };
}

describe('mergeMomentHits', () => {
  const photo = item('beach', 'jpeg');
  const clip = item('trip', 'mp4');
  const other = item('party', 'mov');

  it('scores a video by its best moment and carries that moment\'s time', () => {
    const merged = mergeMomentHits(
      [{ photo, score: 0.6 }, { photo: clip, score: 0.3 }],
      [{ contentHash: 'trip', time: 2, score: 0.5 }, { contentHash: 'trip', time: 6.5, score: 0.8 }],
      [clip],
    );
    expect(merged).toEqual([{ photo: clip, score: 0.8, time: 6.5 }, { photo, score: 0.6 }]);
  });

  it('adds a video found only by a moment when its row passed the filters, and keeps each item once', () => {
    const merged = mergeMomentHits([{ photo, score: 0.6 }], [{ contentHash: 'party', time: 12, score: 0.7 }, { contentHash: 'filtered-out', time: 1, score: 0.9 }], [other, other]);
    expect(merged.map((h) => [h.photo.fileName, h.time])).toEqual([['party.mov', 12], ['beach.jpeg', undefined]]);
  });

  it('keeps a video\'s own score when it beats its moments, still naming the best moment', () => {
    const merged = mergeMomentHits([{ photo: clip, score: 0.9 }], [{ contentHash: 'trip', time: 4, score: 0.5 }], [clip]);
    expect(merged).toEqual([{ photo: clip, score: 0.9, time: 4 }]);
  });
});
