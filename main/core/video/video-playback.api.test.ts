// Videos through the app's API and web mode's media routes (real core, toy models, bundled ffmpeg, real HTTP): search hits
// carry a video's moment time, HEVC plays from a transcoded preview streamed in byte ranges, live and motion photos are
// one item whose motion plays, and a moment can be captioned and asked about.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photobindApi, type IndexJobState, type PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { createClient, serve } from '../../../common/api/rpc.ts';
import { LibrarySession } from '../api/library-session.ts';
import { createPhotobindApi } from '../api/photobind-api.ts';
import { TRANSPORTS, type TransportPair } from '../api/transport-pairs.test-support.ts';
import { contentFingerprint } from '../indexer/content-fingerprint.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { renderToyVideos, type ToyVideoEntry } from '../toy-world/toy-video.ts';
import { startWebServer, type RunningWebServer } from '../web/web-server.ts';
import { DEFAULT_MAX_INTERVAL } from './frame-sampler.ts';
import { hevcVideo, motionPhotoJpeg, stillJpeg, testPatternMp4 } from './video-test-files.test-support.ts';
import { videoToolPath } from './video-tools.ts';

const SLOW = 600_000;
let dir: string;
let album: string;
let session: LibrarySession;
let pair: TransportPair;
let client: PhotobindClient;
let server: RunningWebServer;
let toy: ToyVideoEntry;

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path: pathname, headers: { Host: `127.0.0.1:${server.port}`, 'X-Photobind-Token': server.secret, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function codecsOf(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(videoToolPath('ffprobe'), ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n');
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-video-api-'));
  album = path.join(dir, 'album');
  await renderDemoAlbum({ outDir: album, count: 8, seed: 3 });
  toy = (await renderToyVideos({ outDir: path.join(album, 'videos'), count: 1, seed: 71 })).entries[0]!;
  await fs.mkdir(path.join(album, 'hevc'));
  await hevcVideo(path.join(album, 'hevc', 'phone.mkv'), 2);
  // An Apple Live Photo (still + paired MOV of the same name) and a Google motion photo (MP4 inside the JPEG).
  const live = path.join(album, 'live');
  await fs.mkdir(live);
  await stillJpeg(path.join(live, 'IMG_0001.JPG'));
  await testPatternMp4(path.join(live, 'IMG_0001.MOV'), 1.5, { faststart: true });
  await motionPhotoJpeg(path.join(dir, 'MVIMG_0002.jpg'));
  await fs.copyFile(path.join(dir, 'MVIMG_0002.jpg'), path.join(live, 'MVIMG_0002.jpg'));
  album = await fs.realpath(album);
  session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
  pair = await TRANSPORTS.find((t) => t.name === 'in-process')!.open();
  serve(createPhotobindApi(session), pair.server);
  client = createClient(photobindApi, pair.client);
  const done = new Promise<IndexJobState>((resolve) => client.on('onDidIndexProgress', (s) => ['done', 'failed', 'cancelled'].includes(s.state) && resolve(s)));
  await client.library.addFolder({ path: album, allowDemoModels: true });
  expect(await done).toMatchObject({ state: 'done' });
  const renderer = path.join(dir, 'renderer');
  await fs.mkdir(renderer);
  await fs.writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Photobind</title>');
  server = await startWebServer({ session, rendererDir: renderer, port: 0 });
}, SLOW);

afterAll(async () => {
  await server?.close();
  await pair?.close();
  await session?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('videos in the app', () => {
  it('search (API) returns the toy video once for its second scene, with the moment time', async () => {
    const second = toy.scenes[1]!;
    const { hits, weaker } = await client.search.query({ text: second.caption });
    const all = [...hits, ...weaker];
    const videoHits = all.filter((h) => h.photo.fileName === toy.file);
    expect(videoHits).toHaveLength(1);
    expect(hits[0]?.photo.fileName).toBe(toy.file);
    expect(hits[0]!.time).toBeGreaterThanOrEqual(second.start);
    expect(hits[0]!.time! - second.start).toBeLessThanOrEqual(DEFAULT_MAX_INTERVAL);
    expect(hits[0]!.time).toBeLessThan(second.end);
    // The marks on its timeline: the best of its moments lies in that scene.
    const { moments } = await client.search.moments({ text: second.caption, contentHash: hits[0]!.photo.contentHash });
    const best = moments.reduce((a, b) => (b.score > a.score ? b : a));
    expect(best.time).toBe(hits[0]!.time);
  });

  it('plays H.264 straight from the file and HEVC from a preview transcoded on demand, streamed in byte ranges', async () => {
    const toyHash = await contentFingerprint(path.join(album, 'videos', toy.file));
    expect(await client.video.playback({ contentHash: toyHash })).toMatchObject({ mode: 'direct', videoCodec: 'h264', note: null });
    const hevcHash = await contentFingerprint(path.join(album, 'hevc', 'phone.mkv'));
    const playback = await client.video.playback({ contentHash: hevcHash });
    expect(playback).toMatchObject({ mode: 'preview', videoCodec: 'hevc', preview: { state: 'none' } });
    expect(playback.note).toContain('MKV video (hevc, aac) does not play in this window');
    expect((await get(`/preview/${hevcHash}`)).status).toBe(404); // not made yet
    expect((await client.video.preparePreview({ contentHash: hevcHash })).state).toBe('working');
    const seen: number[] = [];
    for (let state = 'working'; state === 'working'; ) {
      await new Promise((r) => setTimeout(r, 100));
      const { preview } = await client.video.playback({ contentHash: hevcHash });
      seen.push(preview.progress);
      state = preview.state;
      expect(state).not.toBe('failed');
    }
    expect(seen.at(-1)).toBe(1);
    const whole = await get(`/preview/${hevcHash}`);
    expect([whole.status, whole.headers['content-type'], whole.headers['accept-ranges']]).toEqual([200, 'video/mp4', 'bytes']);
    const size = whole.body.length;
    const part = await get(`/preview/${hevcHash}`, { Range: 'bytes=100-199' });
    expect([part.status, part.headers['content-range'], part.body.length]).toEqual([206, `bytes 100-199/${size}`, 100]);
    expect(part.body.equals(whole.body.subarray(100, 200))).toBe(true);
    expect((await get(`/preview/${hevcHash}`, { Range: `bytes=${size}-` })).status).toBe(416);
    const copy = path.join(dir, 'served-preview.mp4');
    await fs.writeFile(copy, whole.body);
    expect(await codecsOf(copy)).toEqual(['h264', 'aac']);
    // Asking again reuses the cached preview.
    expect(await client.video.preparePreview({ contentHash: hevcHash })).toMatchObject({ state: 'ready', progress: 1 });
    await expect(client.video.playback({ contentHash: 'ab'.repeat(20) })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lists a live photo and a motion photo as one item each, showing the still, with the motion playable', async () => {
    const { photos } = await client.photos.list({ offset: 0, limit: 500 });
    const live = photos.filter((p) => p.folder === path.join(album, 'live')).map((p) => p.fileName).sort();
    expect(live).toEqual(['IMG_0001.JPG', 'MVIMG_0002.jpg']);
    expect(photos.some((p) => p.fileName === 'IMG_0001.MOV')).toBe(false);
    const still = photos.find((p) => p.fileName === 'IMG_0001.JPG')!;
    expect(await client.video.motion({ contentHash: still.contentHash })).toEqual({ motion: { kind: 'paired' } });
    const mov = await fs.readFile(path.join(album, 'live', 'IMG_0001.MOV'));
    const paired = await get(`/motion/${still.contentHash}`, { Range: 'bytes=0-' });
    expect([paired.status, paired.headers['content-range']]).toEqual([206, `bytes 0-${mov.length - 1}/${mov.length}`]);
    expect(paired.body.equals(mov)).toBe(true);
    // The still itself is what the photo route shows.
    expect((await get(`/photo/${still.contentHash}`)).headers['content-type']).toBe('image/jpeg');

    const motionPhoto = photos.find((p) => p.fileName === 'MVIMG_0002.jpg')!;
    expect(await client.video.motion({ contentHash: motionPhoto.contentHash })).toEqual({ motion: { kind: 'embedded' } });
    const embedded = await get(`/motion/${motionPhoto.contentHash}`);
    expect(embedded.status).toBe(200);
    expect(embedded.body.equals(await fs.readFile(path.join(dir, 'MVIMG_0002.jpg.motion.mp4')))).toBe(true);

    const plain = photos.find((p) => p.folder === album && p.format === 'jpeg')!;
    expect(await client.video.motion({ contentHash: plain.contentHash })).toEqual({ motion: null });
    expect((await get(`/motion/${plain.contentHash}`)).status).toBe(404);
  });

  it('captions a moment and answers about it (the frame at that time)', async () => {
    const file = path.join(album, 'videos', toy.file);
    const second = toy.scenes[1]!;
    const { caption, time } = await client.video.captionMoment({ path: file, time: second.start + 1 });
    expect(time).toBe(second.start + 1);
    const words = (text: string) => new Set(text.match(/[a-z]+/g));
    const shared = (a: string, b: string) => [...words(a)].filter((w) => w.length > 3 && words(b).has(w)).length;
    expect(shared(caption, second.caption)).toBeGreaterThan(Math.max(...toy.scenes.filter((s) => s !== second).map((s) => shared(caption, s.caption))));
    const { answer } = await client.chat.askPhoto({ askId: 'moment-1', path: file, question: 'what is in the photo?', time: second.start + 1 });
    expect(answer.length).toBeGreaterThan(0);
    expect((await client.chat.conversation({ path: file })).messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const outside = client.video.captionMoment({ path: file, time: 99 });
    await expect(outside).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(outside).rejects.toThrow(/no moment at 99 s/);
  });
});
