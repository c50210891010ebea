// Builds a library with toy photos, a toy video (three scenes), an HEVC video and a live photo, indexed with the toy models;
// prints what the video spec needs (the toy video's scenes, content hashes) as JSON.
// Usage: node bin/run-ts.js e2e/support/seed-video-library.ts LIBRARY_DIR ALBUM_DIR
import fs from 'node:fs/promises';
import path from 'node:path';
import { PhotobindCore } from '../../main/core/photobind-core.ts';
import { contentFingerprint } from '../../main/core/indexer/content-fingerprint.ts';
import { renderDemoAlbum } from '../../main/core/toy-world/demo-album.ts';
import { renderToyVideos } from '../../main/core/toy-world/toy-video.ts';
import { hevcVideo, stillJpeg, testPatternMp4 } from '../../main/core/video/video-test-files.test-support.ts';

export interface SeededVideoLibrary {
  toy: { file: string; hash: string; scenes: Array<{ start: number; end: number; caption: string }> };
  hevc: { file: string; hash: string };
  live: { file: string; hash: string };
}

export async function seedVideoLibrary(libraryDir: string, albumDir: string): Promise<SeededVideoLibrary> {
  await renderDemoAlbum({ outDir: albumDir, count: 8, seed: 3 });
  const [entry] = (await renderToyVideos({ outDir: path.join(albumDir, 'videos'), count: 1, seed: 71 })).entries;
  const toyFile = path.join(albumDir, 'videos', entry!.file);
  const hevcFile = await hevcVideo(path.join(albumDir, 'videos', 'phone-hevc.mkv'), 3);
  await fs.mkdir(path.join(albumDir, 'live'));
  const liveFile = await stillJpeg(path.join(albumDir, 'live', 'IMG_0001.JPG'), 640, 480);
  // The motion is the still's pattern in negative, so a screenshot tells them apart.
  await testPatternMp4(path.join(albumDir, 'live', 'IMG_0001.MOV'), 2, { faststart: true, width: 640, height: 480, extra: ['-vf', 'negate'] });
  const core = await PhotobindCore.open({ libraryDir, modelSet: 'toy' });
  try {
    await core.library.addFolders([albumDir]);
    await core.index.index([albumDir]);
  } finally {
    await core.close();
  }
  return {
    toy: { file: toyFile, hash: await contentFingerprint(toyFile), scenes: entry!.scenes.map(({ start, end, caption }) => ({ start, end, caption })) },
    hevc: { file: hevcFile, hash: await contentFingerprint(hevcFile) },
    live: { file: liveFile, hash: await contentFingerprint(liveFile) },
  };
}

if (process.argv[1]?.endsWith('seed-video-library.ts')) {
  const [library, album] = process.argv.slice(2);
  console.log(JSON.stringify(await seedVideoLibrary(path.resolve(library!), path.resolve(album!))));
}
