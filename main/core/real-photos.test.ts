// Indexes the shared real camera files (when present): orientation, dates, GPS, HEIC, unsupported formats.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_PHOTOS, REAL_PHOTOS_SKIP_NOTE } from './media/media-test-files.test-support.ts';
import { PhotobindCore } from './photobind-core.ts';
import type { IndexSummary } from './indexer/index.service.ts';

const suite = REAL_PHOTOS ? describe : describe.skip;
if (!REAL_PHOTOS) console.warn(`real-photos.test.ts ${REAL_PHOTOS_SKIP_NOTE}`);

let tmp: string;
let core: PhotobindCore;
let summary: IndexSummary;
const at = (relative: string) => path.join(REAL_PHOTOS!, relative);

suite('indexing the real photos', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-real-'));
    core = await PhotobindCore.open({ libraryDir: tmp, modelSet: 'toy' });
    // The shared folder is read-only: indexing must never write next to the photos.
    summary = await core.index.index([REAL_PHOTOS!]);
  });
  afterAll(async () => {
    await core?.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('indexes every decodable photo and reports only the unsupported ones', async () => {
    const problems = [...(await core.store.problemMap()).values()];
    expect(problems.map((p) => path.extname(p.path)).sort()).toEqual(['.jxl', '.jxl']); // el_torcal_rocks.jpg and .jpeg are the same bytes: one embedding, two rows
    for (const problem of problems) expect(problem.kind).toBe('unsupported');
    expect(summary.indexed).toBeGreaterThanOrEqual(45);
  });

  it('honours EXIF orientation: every Portrait_N is portrait and every Landscape_N landscape', async () => {
    for (let n = 0; n <= 8; n++) {
      const portrait = await core.store.getPhoto(at(`exif-orientation/Portrait_${n}.jpg`));
      const landscape = await core.store.getPhoto(at(`exif-orientation/Landscape_${n}.jpg`));
      expect(portrait!.height, `Portrait_${n}`).toBeGreaterThan(portrait!.width);
      expect(landscape!.width, `Landscape_${n}`).toBeGreaterThan(landscape!.height);
    }
  });

  it('reads dates, GPS, camera, description and keywords', async () => {
    const thompson = await core.store.getPhoto(at('immich-test-assets/metadata/gps-position/thompson-springs.jpg'));
    expect(thompson!.gps!.lat).toBeCloseTo(39.115, 2);
    expect(thompson!.gps!.lon).toBeCloseTo(-108.401, 2);
    expect(thompson!.description).toBeTruthy();
    expect(thompson!.keywords.length).toBeGreaterThan(0);
    const empty = await core.store.getPhoto(at('immich-test-assets/metadata/gps-position/empty_gps.jpg'));
    expect(empty!.gps).toBeNull();
    expect(`${empty!.cameraMake} ${empty!.cameraModel}`.toLowerCase()).toContain('moto g(9) plus');
    const picasa = await core.store.getPhoto(at('immich-test-assets/metadata/tags/picasa.jpg'));
    expect(picasa).toMatchObject({ description: 'Image-Description', cameraModel: expect.stringContaining('PowerShot SD1100 IS') as string });
    expect(picasa!.keywords).toEqual(expect.arrayContaining(['Frost', 'Yard']));
    const dated = await core.store.getPhoto(at('immich-test-assets/metadata/dates/datetimeoriginal-gps.jpg'));
    expect(dated!.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(dated!.gps!.lat).toBeCloseTo(39, 0);
  });

  it('decodes HEIC (HEVC) photos through the WebAssembly decoder', async () => {
    const heics = (await core.store.listPhotos()).filter((p) => p.format === 'heic' || p.format === 'heif');
    expect(heics.length).toBeGreaterThanOrEqual(2);
    for (const photo of heics) expect(photo.width * photo.height).toBeGreaterThan(100_000);
  });

  it('finds a photo by its imported keyword (hybrid search over XMP/IPTC keywords)', async () => {
    const hits = await core.search.search('Frost', { limit: 3 });
    expect(hits[0]!.photo.path).toBe(at('immich-test-assets/metadata/tags/picasa.jpg'));
  });
});
