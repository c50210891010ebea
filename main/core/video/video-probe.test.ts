// Tests probeVideo on real files made with the bundled ffmpeg: container facts, rotation, QuickTime tags, and clear problems.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoProblemError } from '../media/photo-problem.ts';
import { parseIso6709, probeVideo } from './video-probe.ts';
import { audioOnlyMp4, ffmpeg, testPatternMp4, truncateCopy, unknownCodecAvi } from './video-test-files.test-support.ts';
import { VIDEO_TOOL_ENV, VideoToolsMissingError, videoToolPath } from './video-tools.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pb-video-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemOf(file: string): Promise<PhotoProblemError> {
  const error = await probeVideo(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PhotoProblemError);
  const problem = error as PhotoProblemError;
  expect(problem.path).toBe(file);
  expect(problem.message).toContain(`"${path.basename(file)}" (in ${dir})`);
  return problem;
}

describe('probeVideo', () => {
  it('reads duration, codec, size, frame rate, creation time and GPS of an MP4', async () => {
    const file = await testPatternMp4(path.join(dir, 'clip.mp4'), 3, {
      extra: ['-metadata', 'creation_time=2024-05-01T10:00:00Z', '-metadata', 'location=+38.72230-009.13930/'],
    });
    const info = await probeVideo(file);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodecs: [], width: 320, height: 240, rotation: 0, frameRate: 10, createdAt: '2024-05-01T10:00:00Z' });
    expect(info.duration).toBeCloseTo(3, 1);
    expect(info.size).toBeGreaterThan(1000);
    expect(info.gps).toEqual({ lat: 38.7223, lon: -9.1393 });
  });

  it('reads the QuickTime location and local creation date an iPhone writes, and an audio track', async () => {
    const file = path.join(dir, 'IMG_0001.mov');
    await ffmpeg(
      '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-movflags', 'use_metadata_tags',
      '-metadata', 'com.apple.quicktime.location.ISO6709=+48.8583+002.2945+035.000/',
      '-metadata', 'com.apple.quicktime.creationdate=2023-07-14T21:30:00+0200',
      file,
    );
    const info = await probeVideo(file);
    expect(info.createdAt).toBe('2023-07-14T21:30:00+02:00');
    expect(info.gps).toEqual({ lat: 48.8583, lon: 2.2945 });
    expect(info.audioCodecs).toEqual(['aac']);
  });

  it('gives the upright size of a video recorded sideways (rotation metadata)', async () => {
    const flat = await testPatternMp4(path.join(dir, 'flat.mp4'), 1);
    const turned = path.join(dir, 'portrait.mov');
    await ffmpeg('-i', flat, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', turned);
    const info = await probeVideo(turned);
    expect([info.width, info.height]).toEqual([240, 320]);
    expect([90, 270]).toContain(info.rotation);
  });

  it('says a cut-off MP4 (index at the end) is incomplete', async () => {
    const whole = await testPatternMp4(path.join(dir, 'whole.mp4'), 4);
    const problem = await problemOf(await truncateCopy(whole, path.join(dir, 'cut.mp4'), 0.5));
    expect(problem.kind).toBe('truncated');
    expect(problem.message).toMatch(/is incomplete: its index .* is missing/);
  });

  it('says a video codec ffmpeg does not know is unsupported, naming its FourCC', async () => {
    const problem = await problemOf(await unknownCodecAvi(path.join(dir, 'odd.avi')));
    expect(problem.kind).toBe('unsupported');
    expect(problem.message).toContain('uses a video codec (FourCC "ZQ9X") that Photobind cannot decode');
  });

  it('says a sound file named .mp4 has no video, and random bytes are no video format', async () => {
    const sound = await problemOf(await audioOnlyMp4(path.join(dir, 'voice.mp4')));
    expect(sound.kind).toBe('not-an-image');
    expect(sound.message).toContain('has no video in it (only audio)');
    const junk = path.join(dir, 'junk.mkv');
    await writeFile(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const problem = await problemOf(junk);
    expect(problem.kind).toBe('corrupt');
    expect(problem.message).toContain('could not be decoded as a video');
  });

  it('says an empty file is empty and a missing one disappeared', async () => {
    const empty = path.join(dir, 'empty.webm');
    await writeFile(empty, '');
    expect((await problemOf(empty)).kind).toBe('empty');
    const gone = await problemOf(path.join(dir, 'gone.mp4'));
    expect([gone.kind, gone.transient]).toEqual(['unreadable', true]);
  });
});

describe('parseIso6709', () => {
  it('reads degrees, DDMM and DDMMSS forms, and refuses nonsense', () => {
    expect(parseIso6709('+37.7858-122.4064+012.345/')).toEqual({ lat: 37.7858, lon: -122.4064 });
    expect(parseIso6709('+4042.6-07400.3/')).toEqual({ lat: 40 + 42.6 / 60, lon: -(74 + 0.3 / 60) });
    expect(parseIso6709('-334530+1511030/')).toEqual({ lat: -(33 + 45 / 60 + 30 / 3600), lon: 151 + 10 / 60 + 30 / 3600 });
    expect(parseIso6709('+95.0+010.0/')).toBeNull();
    expect(parseIso6709('somewhere')).toBeNull();
    expect(parseIso6709(undefined)).toBeNull();
  });
});

describe('videoToolPath', () => {
  it('finds both binaries through their npm packages', () => {
    expect(videoToolPath('ffmpeg')).toMatch(/@ffmpeg-installer[\\/][^\\/]+[\\/]ffmpeg(\.exe)?$/);
    expect(videoToolPath('ffprobe')).toMatch(/@ffprobe-installer[\\/][^\\/]+[\\/]ffprobe(\.exe)?$/);
  });

  it('says clearly when the binary it should run is missing', () => {
    const previous = process.env[VIDEO_TOOL_ENV.ffprobe];
    process.env[VIDEO_TOOL_ENV.ffprobe] = path.join(dir, 'no-such-ffprobe');
    try {
      expect(() => videoToolPath('ffprobe')).toThrow(VideoToolsMissingError);
      expect(() => videoToolPath('ffprobe')).toThrow(`Videos cannot be read on this computer: PHOTOBIND_FFPROBE names ${path.join(dir, 'no-such-ffprobe')}, which is not an executable file. Photos are not affected.`);
    } finally {
      if (previous === undefined) delete process.env[VIDEO_TOOL_ENV.ffprobe];
      else process.env[VIDEO_TOOL_ENV.ffprobe] = previous;
    }
  });
});
