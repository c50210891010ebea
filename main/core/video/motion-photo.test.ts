// Live and motion photos: pairing a still with its MOV by name, finding the MP4 inside a motion photo JPEG (both XMP forms), and no motion where there is none.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedMotion, extractEmbeddedMotion, findEmbeddedMotion, motionOf, pairedStillName } from './motion-photo.ts';
import { motionPhotoJpeg, stillJpeg } from './video-test-files.test-support.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-motion-'));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

describe('live and motion photos', () => {
  it('pairs a video with the still of the same name (case-insensitive), and only then', () => {
    expect(pairedStillName('/a/IMG_1234.MOV', ['IMG_1234.HEIC', 'IMG_1234.MOV'])).toBe('IMG_1234.HEIC');
    expect(pairedStillName('/a/img_1234.mov', ['IMG_1234.JPG'])).toBe('IMG_1234.JPG');
    expect(pairedStillName('/a/IMG_1234.MOV', ['IMG_1235.HEIC', 'IMG_1234.PNG'])).toBeNull();
    expect(pairedStillName('/a/IMG_1234.mkv', ['IMG_1234.HEIC'])).toBeNull();
  });

  it('finds the MP4 of a motion photo in both XMP forms, byte for byte', async () => {
    for (const format of ['micro-video', 'container'] as const) {
      const { file, video } = await motionPhotoJpeg(path.join(dir, `${format}.jpg`), format);
      const motion = await embeddedMotion(file);
      expect(motion, format).not.toBeNull();
      expect(motion!.length).toBe(video.length);
      const out = await extractEmbeddedMotion(file, motion!, path.join(dir, `${format}.out.mp4`));
      expect((await fs.readFile(out)).equals(video)).toBe(true);
      expect(await motionOf(file)).toMatchObject({ kind: 'embedded' });
    }
  });

  it('finds no motion in a plain JPEG, nor where the XMP offset does not point at an MP4', async () => {
    expect(await embeddedMotion(await stillJpeg(path.join(dir, 'plain.jpg')))).toBeNull();
    expect(await motionOf(path.join(dir, 'plain.jpg'))).toBeNull();
    const { file } = await motionPhotoJpeg(path.join(dir, 'stale.jpg'));
    const bytes = await fs.readFile(file);
    // The XMP names an offset, but the MP4 after the image is gone (an editor re-saved the JPEG).
    const cut = bytes.subarray(0, bytes.lastIndexOf('ftyp') - 4);
    expect(findEmbeddedMotion(cut)).toBeNull();
  });
});
