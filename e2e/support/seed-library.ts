// Fills a library's store with many photo rows that all point at a few real JPEGs, to exercise the grid
// at 100k photos without indexing 100k files (real LanceDB; the rows are what the indexer would write).
// Usage: node bin/run-ts.js e2e/support/seed-library.ts LIBRARY_DIR COUNT
import fs from 'node:fs/promises';
import path from 'node:path';
import { contentFingerprint } from '../../main/core/indexer/content-fingerprint.ts';
import { LibrarySettingsRepository } from '../../main/core/library/library-settings.repository.ts';
import { libraryLayout } from '../../main/core/library/library-location.ts';
import { thumbnailPath } from '../../main/core/library/thumbnail-path.ts';
import { getModelSet } from '../../main/core/models/model-catalog.ts';
import { PhotoStoreRepository, type StoredPhoto } from '../../main/core/storage/photo-store.repository.ts';
import { renderDemoAlbum } from '../../main/core/toy-world/demo-album.ts';

export async function seedLibrary(libraryDir: string, count: number): Promise<void> {
  const layout = libraryLayout(libraryDir);
  await fs.mkdir(layout.root, { recursive: true });
  const album = path.join(libraryDir, '..', 'seed-album');
  const { files } = await renderDemoAlbum({ outDir: album, count: 12, seed: 21 });
  const modelId = getModelSet('toy').clip;
  const sources = await Promise.all(files.map(async (file) => ({ file, hash: await contentFingerprint(file), size: (await fs.stat(file)).size })));
  // Their thumbnails, where the indexer would have written them.
  for (const source of sources) {
    const thumbnail = thumbnailPath(layout.thumbnails, source.hash);
    await fs.mkdir(path.dirname(thumbnail), { recursive: true });
    await fs.copyFile(source.file, thumbnail);
  }
  const store = await PhotoStoreRepository.open(layout.database);
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    const rows: StoredPhoto[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const source = sources[i % sources.length]!;
      const day = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString().slice(0, 19);
      const folder = path.join(album, `year-${2015 + Math.floor(i / 20_000)}`);
      rows.push({
        path: path.join(folder, `IMG_${String(i).padStart(6, '0')}.jpg`), root: album, folder, fileName: `IMG_${String(i).padStart(6, '0')}.jpg`,
        contentHash: source.hash, size: source.size, mtimeMs: 0, format: 'jpeg', width: 320, height: 240, takenAt: day, gps: null,
        cameraMake: 'Toyworld', cameraModel: 'Pocket', description: null, keywords: [], caption: null, captionModel: null, captionEdited: false,
        captionAt: null, modelId, indexedAt: new Date().toISOString(), vector: new Float32Array(16).fill(0.25),
      });
    }
    await store.upsertPhotos(rows);
  }
  store.close();
  // No roots: a catch-up scan would rightly drop rows whose files do not exist.
  await new LibrarySettingsRepository(layout.settings).update((s) => ({ ...s, modelSet: 'toy', roots: [] }));
}

if (process.argv[1]?.endsWith('seed-library.ts')) {
  const [dir, count] = process.argv.slice(2);
  const started = Date.now();
  await seedLibrary(path.resolve(dir!), Number(count ?? 100_000));
  console.log(`Seeded ${count} photos in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
