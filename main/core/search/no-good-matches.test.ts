// "No good matches" through the real parts: a rendered toy-world album in a temp library (LanceDB), the
// toy search model in its process; a query is judged against what meaningless words score in the library.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { readManifest, renderDemoAlbum, type ManifestEntry } from '../toy-world/demo-album.ts';
import { NONSENSE_PROBES } from './search.service.ts';

let tmp: string;
let core: PhotobindCore;
let manifest: ManifestEntry[];
let album: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-nogood-'));
  album = path.join(tmp, 'album');
  const rendered = await renderDemoAlbum({ outDir: album, count: 80, seed: 7 });
  manifest = await readManifest(rendered.manifestPath);
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
  await core.index.index([album]);
}, 240_000);

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('search against the library background', () => {
  it('a nonsense query has no good matches, and its nearest photos stay reachable as weaker matches', async () => {
    for (const query of ['frumious bandersnatch', 'the quarterly tax report']) {
      expect(NONSENSE_PROBES).not.toContain(query);
      const result = await core.search.searchRanked(query, { limit: 10 });
      expect(result, query).toMatchObject({ goodMatches: false, hits: [] });
      expect(result.weaker.length, query).toBe(10);
      expect(result.background).not.toBeNull();
      expect(await core.search.search(query)).toEqual([]);
    }
  });

  it('queries about things in the album have good matches above the background, weaker ones apart', async () => {
    // The album's own captions describe scenes that are there (how well the toy model ranks them is
    // measured by npm run models:quality, not here).
    for (const query of [manifest[0]!.caption, manifest[1]!.caption, 'red car at night']) {
      const result = await core.search.searchRanked(query, { limit: 20 });
      expect(result.goodMatches, query).toBe(true);
      expect(result.hits[0]!.score, query).toBeGreaterThan(result.background!);
      // Everything under the 75%-of-best floor is a weaker match, nothing is lost.
      const floor = result.hits[0]!.score * 0.75;
      for (const hit of result.weaker) expect(hit.score).toBeLessThan(floor);
      expect(result.hits.length + result.weaker.length, query).toBe(20);
    }
  });

  it('a photo term is never judged against the background', async () => {
    const photo = path.join(album, manifest[3]!.file);
    const result = await core.search.searchRanked(`dog + ${photo}`, { limit: 5 });
    expect(result).toMatchObject({ goodMatches: true, background: null });
  });
});
