// Tests the caption service's rules (skip, force, user edits, batches, resume, cancel, sidecars) over a
// real LanceDB store and real files; the captioner is a scripted stand-in, so no model is needed.
// The same rules through the toy captioner and the CLI are in caption.toy-model.test.ts.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { solidJpeg } from '../media/media-test-files.test-support.ts';
import { PhotoStoreRepository, type StoredPhoto } from '../storage/photo-store.repository.ts';
import { CaptionService, type PhotoCaptioner } from './caption.service.ts';

const MODEL = 'test/captioner';
let dir: string;
let album: string;
let store: PhotoStoreRepository;
let files: string[];
let settings: { autoCaption: boolean };

/** A captioner that records its calls; `hook` can delay, fail or act while "inferring". */
class ScriptedCaptioner implements PhotoCaptioner {
  calls: string[] = [];
  hook: (photoPath: string) => Promise<void> | void = () => {};
  async caption(photoPath: string): Promise<string> {
    this.calls.push(photoPath);
    await this.hook(photoPath);
    return `a photo called ${path.basename(photoPath, '.jpg')}`;
  }
}

function stored(file: string, extra: Partial<StoredPhoto> = {}): StoredPhoto {
  return {
    path: file, root: album, folder: path.dirname(file), fileName: path.basename(file), contentHash: `hash-${path.basename(file)}`, size: 10, mtimeMs: 1,
    format: 'jpeg', width: 8, height: 8, takenAt: null, gps: null, cameraMake: null, cameraModel: null, description: null, keywords: [],
    caption: null, captionModel: null, captionAt: null, captionEdited: false, modelId: 'clip', indexedAt: 'now', vector: Float32Array.from([1, 0, 0]), ...extra,
  };
}

function service(captioner: PhotoCaptioner): CaptionService {
  return new CaptionService(store, () => Promise.resolve(captioner), MODEL, () => settings, dir);
}

beforeEach(async () => {
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-captions-')));
  album = path.join(dir, 'album');
  await fs.mkdir(path.join(album, 'sub'), { recursive: true });
  files = [];
  const jpeg = await solidJpeg(8, 8);
  for (let i = 0; i < 12; i++) {
    const file = path.join(album, i < 10 ? `p${String(i).padStart(2, '0')}.jpg` : `sub/p${i}.jpg`);
    await fs.writeFile(file, jpeg);
    files.push(file);
  }
  store = await PhotoStoreRepository.open(path.join(dir, 'db'));
  await store.upsertPhotos(files.map((f) => stored(f)));
  settings = { autoCaption: false };
});
afterEach(async () => {
  store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('CaptionService', () => {
  it('captions a folder once; a second run skips it; force redoes it', async () => {
    const captioner = new ScriptedCaptioner();
    const captions = service(captioner);
    const progress: number[] = [];
    const first = await captions.caption({ folders: [album] }, { onProgress: (p) => progress.push(p.done) });
    expect(first).toMatchObject({ inScope: 12, captioned: 12, skippedCurrent: 0, failed: 0, cancelled: false });
    expect(progress[progress.length - 1]).toBe(12);
    const photo = (await store.getPhoto(files[0]!))!;
    expect(photo).toMatchObject({ caption: 'a photo called p00', captionModel: MODEL, captionEdited: false });
    expect(photo.captionAt).toBeTruthy();

    const second = await captions.caption({ folders: [album] });
    expect(second).toMatchObject({ captioned: 0, skippedCurrent: 12 });
    expect(captioner.calls).toHaveLength(12);

    const forced = await captions.caption({ folders: [path.join(album, 'sub')] }, { force: true });
    expect(forced).toMatchObject({ inScope: 2, captioned: 2 });
    expect(captioner.calls).toHaveLength(14);
    expect((await store.getPhoto(files[0]!))!.captionAt).toBe(photo.captionAt); // outside the forced folder
  });

  it('captions a list of photos and reports those not in the library', async () => {
    const captioner = new ScriptedCaptioner();
    const summary = await service(captioner).caption({ paths: [files[1]!, files[2]!, path.join(album, 'unknown.jpg')] });
    expect(summary).toMatchObject({ inScope: 2, captioned: 2, notInLibrary: [path.join(album, 'unknown.jpg')] });
    expect(captioner.calls.sort()).toEqual([files[1], files[2]]);
  });

  it('never replaces a caption the user wrote, not even with force', async () => {
    const captioner = new ScriptedCaptioner();
    const captions = service(captioner);
    await captions.caption({ folders: [album] });
    const edited = await captions.editCaption(files[3]!, '  Grandma\'s 80th birthday ');
    expect(edited).toMatchObject({ caption: "Grandma's 80th birthday", captionModel: 'user', captionEdited: true });
    const forced = await captions.caption({ folders: [album] }, { force: true });
    expect(forced).toMatchObject({ captioned: 11, skippedEdited: 1 });
    expect(captioner.calls.filter((c) => c === files[3])).toHaveLength(1);
    expect((await store.getPhoto(files[3]!))!.caption).toBe("Grandma's 80th birthday");
    // Removing one's own caption lets the model caption the photo again.
    await captions.editCaption(files[3]!, '');
    expect((await captions.caption({ paths: [files[3]!] })).captioned).toBe(1);
    await expect(captions.editCaption(path.join(album, 'nope.jpg'), 'x')).rejects.toThrow(/not in the library/);
  });

  it('keeps a user edit made while the model is captioning that photo', async () => {
    const captioner = new ScriptedCaptioner();
    const captions = service(captioner);
    captioner.hook = async (photoPath) => {
      if (photoPath === files[5]) await captions.editCaption(photoPath, 'my own words');
    };
    const summary = await captions.caption({ folders: [album] }, { batchSize: 4 });
    expect(summary).toMatchObject({ captioned: 11, skippedEdited: 1 });
    expect((await store.getPhoto(files[5]!))).toMatchObject({ caption: 'my own words', captionEdited: true });
  });

  it('commits in batches, stops on cancel, and resumes without redoing finished photos', async () => {
    const captioner = new ScriptedCaptioner();
    const controller = new AbortController();
    captioner.hook = () => {
      if (captioner.calls.length === 5) controller.abort();
    };
    const stopped = await service(captioner).caption({ folders: [album] }, { batchSize: 2, concurrency: 1, signal: controller.signal });
    expect(stopped.cancelled).toBe(true);
    expect(stopped.captioned).toBe(5);
    const done = (await store.listPhotos({ captioned: true })).map((p) => [p.path, p.captionAt] as const);
    expect(done).toHaveLength(5);

    const again = new ScriptedCaptioner();
    const resumed = await service(again).caption({ folders: [album] });
    expect(resumed).toMatchObject({ captioned: 7, skippedCurrent: 5 });
    expect(again.calls).toHaveLength(7);
    for (const [p, at] of done) expect((await store.getPhoto(p))!.captionAt).toBe(at);
  });

  it('resumes a stopped forced run where it stopped', async () => {
    await service(new ScriptedCaptioner()).caption({ folders: [album] });
    const captioner = new ScriptedCaptioner();
    const controller = new AbortController();
    captioner.hook = () => {
      if (captioner.calls.length === 4) controller.abort();
    };
    const stopped = await service(captioner).caption({ folders: [album] }, { force: true, batchSize: 2, concurrency: 1, signal: controller.signal });
    expect(stopped.captioned).toBe(4);
    const again = new ScriptedCaptioner();
    expect(await service(again).caption({ folders: [album] }, { force: true })).toMatchObject({ captioned: 8, skippedCurrent: 4 });
    // Finished: the next forced run starts over.
    expect((await service(again).caption({ folders: [album] }, { force: true })).captioned).toBe(12);
  });

  it('counts a photo the model fails on and goes on; stops early when every photo fails the same way', async () => {
    const captioner = new ScriptedCaptioner();
    captioner.hook = (p) => {
      if (p === files[2]) throw new Error('The file is damaged');
    };
    const summary = await service(captioner).caption({ folders: [album] });
    expect(summary).toMatchObject({ captioned: 11, failed: 1, failures: [{ path: files[2], reason: 'The file is damaged' }] });

    const broken = new ScriptedCaptioner();
    broken.hook = () => {
      throw new Error('No caption model is configured for this library.');
    };
    await expect(service(broken).caption({ folders: [album] }, { force: true })).rejects.toThrow(/stopped.*No caption model/);
    expect(broken.calls.length).toBeLessThan(12);
  });

  it('captions new photos only when autoCaption is on', async () => {
    const captioner = new ScriptedCaptioner();
    const captions = service(captioner);
    expect(await captions.captionNew([files[0]!])).toBeNull();
    settings.autoCaption = true;
    expect(await captions.captionNew([files[0]!])).toMatchObject({ captioned: 1 });
    expect(await captions.captionNew()).toMatchObject({ captioned: 11, skippedCurrent: 1 });
    expect(captioner.calls).toHaveLength(12);
  });

  it('writes sidecars only when asked, and never over a description a person wrote', async () => {
    const captioner = new ScriptedCaptioner();
    const captions = service(captioner);
    // p01 came with a description from its metadata (written in Lightroom, say).
    await store.upsertPhotos([stored(files[1]!, { description: 'Lake Como, June', keywords: ['italy'] })]);
    await captions.caption({ paths: [files[0]!] });
    expect(await fs.readdir(album)).not.toContain('p00.xmp');

    const summary = await captions.caption({ paths: [files[0]!, files[1]!, files[2]!] }, { force: true, writeXmp: true });
    expect(summary).toMatchObject({ captioned: 3, sidecarsWritten: 3, sidecarDescriptionsKept: 1 });
    expect(await fs.readFile(path.join(album, 'p00.xmp'), 'utf8')).toContain('<rdf:li xml:lang="x-default">a photo called p00</rdf:li>');
    const p01 = await fs.readFile(path.join(album, 'p01.xmp'), 'utf8');
    expect(p01).not.toContain('dc:description');
    expect(p01).toContain('<rdf:li>italy</rdf:li>');

    // A caption the user writes, with --xmp, does go to the sidecar.
    const edited = await captions.editCaption(files[1]!, 'Lake Como with Anna', { writeXmp: true });
    expect(edited.sidecar).toMatchObject({ descriptionWritten: true, sidecarPath: path.join(album, 'p01.xmp') });
    expect(await fs.readFile(path.join(album, 'p01.xmp'), 'utf8')).toContain('Lake Como with Anna');
  });
});
