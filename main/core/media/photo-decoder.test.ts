// Tests decodePhoto through real files: real camera samples, synthetic broken files and RAW containers.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeCr3,
  fakeDng,
  fakeNef,
  fakeOrf,
  fakeRaf,
  fakeRw2,
  makeTempDir,
  noiseJpeg,
  orientedJpeg,
  pngBomb,
  REAL_PHOTOS,
  REAL_PHOTOS_SKIP_NOTE,
  realPhoto,
  solidJpeg,
} from './media-test-files.test-support.ts';
import { decodePhoto, missingEdgeFraction, previewsToTry, readPhotoFile, type DecodedPhoto, type DecodePhotoResult } from './photo-decoder.ts';
import { PhotoProblemError } from './photo-problem.ts';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

function decoded(result: DecodePhotoResult): DecodedPhoto {
  if (result.status !== 'decoded') throw new Error(`expected a decoded photo, got: ${result.problem.message}`);
  return result;
}

async function problemOf(promise: Promise<unknown>): Promise<PhotoProblemError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PhotoProblemError);
    return err as PhotoProblemError;
  }
  throw new Error('expected a PhotoProblemError');
}

/** Checks the invariants every decoded photo must satisfy. */
async function expectConsistent(photo: DecodedPhoto, options: { modelSide?: number; thumbnailSide?: number } = {}): Promise<void> {
  const modelSide = options.modelSide ?? 224;
  const thumbnailSide = options.thumbnailSide ?? 512;
  const thumb = await sharp(photo.thumbnailJpeg).metadata();
  expect(thumb.format).toBe('jpeg');
  expect([thumb.width, thumb.height]).toEqual([photo.thumbnailWidth, photo.thumbnailHeight]);
  expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(thumbnailSide);
  expect(thumb.orientation ?? 1).toBe(1);
  const { data, width, height, channels } = photo.modelPixels;
  expect(channels).toBe(3);
  expect(data.length).toBe(width * height * 3);
  expect(Math.min(width, height)).toBe(Math.min(modelSide, Math.min(photo.width, photo.height)));
  // Same aspect ratio everywhere (within rounding of the short side).
  const aspect = photo.width / photo.height;
  expect(Math.abs(photo.thumbnailWidth / photo.thumbnailHeight - aspect) / aspect).toBeLessThan(0.05 + 2 / Math.min(photo.thumbnailWidth, photo.thumbnailHeight));
  expect(Math.abs(width / height - aspect) / aspect).toBeLessThan(0.02 + 2 / Math.min(width, height));
}

describe.skipIf(!REAL_PHOTOS)('decodePhoto on real camera files', () => {
  if (!REAL_PHOTOS) console.warn(`photo-decoder.test: ${REAL_PHOTOS_SKIP_NOTE}`);

  it('shows every EXIF orientation upright: Landscape_N wider than tall, Portrait_N taller than wide', async () => {
    for (let n = 0; n <= 8; n++) {
      const landscape = decoded(await decodePhoto(realPhoto(`exif-orientation/Landscape_${n}.jpg`)));
      expect(landscape.width, `Landscape_${n}`).toBeGreaterThan(landscape.height);
      expect(landscape.thumbnailWidth, `Landscape_${n} thumbnail`).toBeGreaterThan(landscape.thumbnailHeight);
      expect(landscape.modelPixels.width, `Landscape_${n} model`).toBeGreaterThan(landscape.modelPixels.height);
      await expectConsistent(landscape);
      const portrait = decoded(await decodePhoto(realPhoto(`exif-orientation/Portrait_${n}.jpg`)));
      expect(portrait.height, `Portrait_${n}`).toBeGreaterThan(portrait.width);
      expect(portrait.thumbnailHeight, `Portrait_${n} thumbnail`).toBeGreaterThan(portrait.thumbnailWidth);
      expect(portrait.modelPixels.height, `Portrait_${n} model`).toBeGreaterThan(portrait.modelPixels.width);
    }
  });

  it("applies each orientation exactly as sharp's own EXIF auto-orientation does (pixels, not just sizes)", async () => {
    for (let n = 1; n <= 8; n++) {
      const file = realPhoto(`exif-orientation/Landscape_${n}.jpg`);
      const photo = decoded(await decodePhoto(file));
      const { width, height, data } = photo.modelPixels;
      const reference = await sharp(file).autoOrient().resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
      let total = 0;
      for (let i = 0; i < data.length; i++) total += Math.abs((data[i] ?? 0) - (reference[i] ?? 0));
      expect(total / data.length, `Landscape_${n}: mean difference from sharp's autoOrient`).toBeLessThan(6);
    }
  });

  it('decodes HEIC (HEVC) with libheif to upright, plausible pictures', async () => {
    const iphone = decoded(await decodePhoto(realPhoto('immich-test-assets/formats/heic/IMG_2682.heic')));
    expect(iphone).toMatchObject({ format: 'heic', width: 4032, height: 3024, decodedFrom: 'image', warnings: [] });
    expect(iphone.metadata.camera).toEqual({ make: 'Apple', model: 'iPhone 7' });
    await expectConsistent(iphone);
    // Samsung: coded 4000 × 3000 with a 90° irot box and EXIF orientation 6; rotated once, not twice.
    const samsung = decoded(await decodePhoto(realPhoto('immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic')));
    expect(samsung).toMatchObject({ format: 'heic', width: 3000, height: 4000 });
    expect(samsung.thumbnailHeight).toBeGreaterThan(samsung.thumbnailWidth);
    await expectConsistent(samsung);
  });

  it('decodes AVIF (8- and 10-bit), WebP, PNG and JPEG', async () => {
    const cases: Array<[string, string, number, number]> = [
      ['immich-test-assets/formats/avif/8bit-sRGB.avif', 'avif', 1617, 1080],
      ['immich-test-assets/formats/avif/10bit-HDR-P3-nclx.avif', 'avif', 3681, 5594],
      ['immich-test-assets/formats/webp/denali.webp', 'webp', 600, 315],
      ['immich-test-assets/formats/png/density_plot.png', 'png', 800, 800],
      ['immich-test-assets/formats/jpeg/el_torcal_rocks.jpeg', 'jpeg', 512, 341],
      ['immich-test-assets/formats/jpg/el_torcal_rocks.jpg', 'jpeg', 512, 341],
    ];
    for (const [file, format, width, height] of cases) {
      const photo = decoded(await decodePhoto(realPhoto(file)));
      expect(photo, file).toMatchObject({ format, width, height });
      await expectConsistent(photo);
    }
  });

  it('reports JPEG XL as an unsupported result (not an error), with its metadata', async () => {
    for (const file of ['8bit-sRGB.jxl', '16bit-HDR-P3-nclx.jxl']) {
      const result = await decodePhoto(realPhoto(`immich-test-assets/formats/jxl/${file}`));
      expect(result.status).toBe('unsupported');
      if (result.status !== 'unsupported') return;
      expect(result.format).toBe('jxl');
      expect(result.problem).toMatchObject({ kind: 'unsupported', transient: false });
      expect(result.problem.message).toContain(`"${file}"`);
      expect(result.problem.message).toContain('JPEG XL');
      expect(result.metadata).toEqual({ orientation: 1, keywords: [] });
    }
  });

  it('returns the metadata with the pixels', async () => {
    const photo = decoded(await decodePhoto(realPhoto('immich-test-assets/metadata/gps-position/thompson-springs.jpg')));
    expect(photo.metadata.gps?.lat).toBeCloseTo(39.115, 3);
    expect(photo.metadata.keywords).toContain('thompson springs');
  });

  it('refuses a HEIC above the pixel limit before decoding it, and decodes generic-brand HEIF through libheif', async () => {
    const file = realPhoto('immich-test-assets/formats/heic/IMG_2682.heic');
    const problem = await problemOf(decodePhoto(file, { maxInputPixels: 1_000_000 }));
    expect(problem).toMatchObject({ kind: 'too-large' });
    expect(problem.message).toContain('4032 × 3024');
    // The same HEVC picture labelled only with the generic "mif1" brand: sharp refuses, libheif decodes.
    const heic = Buffer.from(await readFile(file));
    heic.write('mif1', 8, 'latin1');
    heic.write('miaf', 20, 'latin1');
    const generic = decoded(await decodePhoto(await write('generic.heif', heic)));
    expect(generic).toMatchObject({ format: 'heif', width: 4032, height: 3024 });
  });

  it('decodes photos of several formats concurrently', async () => {
    const files = [
      'immich-test-assets/formats/heic/IMG_2682.heic',
      'immich-test-assets/formats/webp/denali.webp',
      'exif-orientation/Portrait_6.jpg',
      'immich-test-assets/formats/png/density_plot.png',
      'immich-test-assets/albums/nature/silver_fir.jpg',
      'immich-test-assets/formats/jxl/8bit-sRGB.jxl',
    ].map(realPhoto);
    const results = await Promise.all(files.map((file) => decodePhoto(file)));
    expect(results.map((r) => r.status)).toEqual(['decoded', 'decoded', 'decoded', 'decoded', 'decoded', 'unsupported']);
  });

  it('decodes a truncated HEIC with a warning if most of it is there, and refuses it otherwise', async () => {
    const heic = await readFile(realPhoto('immich-test-assets/formats/heic/IMG_2682.heic'));
    const mostly = decoded(await decodePhoto(await write('cut-late.heic', heic.subarray(0, Math.floor(heic.length * 0.6)))));
    expect(mostly.warnings.map((w) => w.kind)).toEqual(['truncated']);
    const problem = await problemOf(decodePhoto(await write('cut-early.heic', heic.subarray(0, Math.floor(heic.length * 0.15)))));
    expect(problem.kind).toBe('truncated');
  });
});

describe('decodePhoto on synthetic files', () => {
  it('decodes once into a thumbnail and model pixels of the requested sizes', async () => {
    const photo = decoded(await decodePhoto(await write('plain.jpg', await noiseJpeg(1600, 1200)), { modelSide: 256, thumbnailSide: 400 }));
    expect(photo).toMatchObject({ format: 'jpeg', width: 1600, height: 1200, thumbnailWidth: 400, thumbnailHeight: 300, decodedFrom: 'image', warnings: [] });
    expect(photo.modelPixels).toMatchObject({ width: 341, height: 256, channels: 3 });
    expect(photo.file.size).toBeGreaterThan(0);
    await expectConsistent(photo, { modelSide: 256, thumbnailSide: 400 });
  });

  it('keeps small pictures small (no enlargement)', async () => {
    const photo = decoded(await decodePhoto(await write('tiny.png', await sharp({ create: { width: 90, height: 60, channels: 3, background: '#123456' } }).png().toBuffer())));
    expect(photo).toMatchObject({ width: 90, height: 60, thumbnailWidth: 90, thumbnailHeight: 60 });
    expect(photo.modelPixels).toMatchObject({ width: 90, height: 60 });
  });

  it('turns an oriented picture upright: the stored top-left marker ends where EXIF says', async () => {
    // Stored 400 × 200 with red in the top-left quadrant; orientation 6 means "rotate 90° clockwise".
    const photo = decoded(await decodePhoto(await write('oriented-6.jpg', await orientedJpeg(400, 200, 6))));
    expect([photo.width, photo.height]).toEqual([200, 400]);
    const { data, width } = photo.modelPixels;
    const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    const [r1, , b1] = at(width - 10, 10); // top-right after rotation
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    const [r2, , b2] = at(10, 10); // top-left after rotation: blue
    expect(r2).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);
  });

  it('downscales a 30000 × 1500 panorama instead of refusing it, keeping the model side', async () => {
    const pano = await sharp({ create: { width: 30000, height: 1500, channels: 3, background: '#3a6' } }).jpeg().toBuffer();
    const photo = decoded(await decodePhoto(await write('panorama.jpg', pano)));
    expect(photo).toMatchObject({ width: 30000, height: 1500, thumbnailWidth: 512, thumbnailHeight: 26 });
    expect(photo.modelPixels).toMatchObject({ width: 4480, height: 224 });
  });

  it('refuses a PNG decompression bomb (100000 × 100000 declared) as too-large, without decoding it', async () => {
    const started = Date.now();
    const problem = await problemOf(decodePhoto(await write('bomb.png', pngBomb(100_000, 100_000))));
    expect(problem).toMatchObject({ kind: 'too-large', transient: false });
    expect(problem.message).toContain('100000 × 100000');
    expect(Date.now() - started).toBeLessThan(5000); // a sanity bound, not a benchmark: decoding would take minutes
  });

  it('refuses files above maxFileBytes before reading them', async () => {
    const problem = await problemOf(decodePhoto(await write('big.jpg', await noiseJpeg(300, 300)), { maxFileBytes: 1000 }));
    expect(problem.kind).toBe('too-large');
  });

  it('says empty for a zero-byte file (transient while it is brand new)', async () => {
    const problem = await problemOf(decodePhoto(await write('empty.jpg', '')));
    expect(problem.kind).toBe('empty');
    expect(problem.transient).toBe(true); // just written: probably still being copied
  });

  it('says corrupt for a JPEG whose frame header is destroyed', async () => {
    const jpeg = Buffer.from(await solidJpeg(120, 80));
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.fill(0x00, sof + 2, sof + 12); // length, precision, height, width: all zero
    const problem = await problemOf(decodePhoto(await write('broken-header.jpg', jpeg)));
    expect(problem).toMatchObject({ kind: 'corrupt', transient: false });
    expect(problem.message).toContain('"broken-header.jpg"');
  });

  it('says not-an-image for a text file named .jpg', async () => {
    const problem = await problemOf(decodePhoto(await write('shopping-list.jpg', 'milk\neggs\nbread\n')));
    expect(problem).toMatchObject({ kind: 'not-an-image', transient: false });
    expect(problem.message).toContain('"shopping-list.jpg"');
  });

  it('says unreadable for a folder named x.jpg and transient-unreadable for a vanished file', async () => {
    // Tests run as root, so chmod 000 would not stop the read; a folder and a missing path stand in.
    const folder = path.join(dir, 'x.jpg');
    await mkdir(folder);
    expect(await problemOf(decodePhoto(folder))).toMatchObject({ kind: 'unreadable', transient: false });
    expect(await problemOf(decodePhoto(path.join(dir, 'gone.jpg')))).toMatchObject({ kind: 'unreadable', transient: true });
  });

  it('indexes a JPEG cut at 75% with a truncated warning, and refuses one cut at 20%', async () => {
    const jpeg = await noiseJpeg(1200, 900);
    const late = decoded(await decodePhoto(await write('cut-75.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.75)))));
    expect(late.warnings).toHaveLength(1);
    expect(late.warnings[0]).toMatchObject({ kind: 'truncated' });
    expect(late.warnings[0]?.message).toContain('"cut-75.jpg"');
    const early = await problemOf(decodePhoto(await write('cut-20.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.2)))));
    expect(early).toMatchObject({ kind: 'truncated', transient: false });
    expect((await problemOf(decodePhoto(await write('header-only.jpg', jpeg.subarray(0, 400))))).kind).toBe('truncated');
  });

  it('indexes a truncated progressive JPEG (the whole picture, blurred) with a warning', async () => {
    const jpeg = await noiseJpeg(800, 600, { progressive: true });
    const photo = decoded(await decodePhoto(await write('progressive-cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.5)))));
    expect(photo.warnings.map((w) => w.kind)).toEqual(['truncated']);
  });

  it('detects a file that changes while it is read', async () => {
    const file = await write('growing.jpg', await noiseJpeg(200, 200));
    const problem = await problemOf(readPhotoFile(file, { afterRead: () => appendFile(file, 'more bytes') }));
    expect(problem).toMatchObject({ kind: 'changed-while-reading', transient: true });
  });

  it('handles Unicode and newline characters in file names', async () => {
    const jpeg = await solidJpeg(300, 200);
    for (const name of ['Größe 写真 🌄.jpg', 'line\nbreak.jpg', 'tab\tand\u200Bzero-width.JPG']) {
      const photo = decoded(await decodePhoto(await write(name, jpeg)));
      expect(photo.width).toBe(300);
    }
    const problem = await problemOf(decodePhoto(await write('broken\nname.jpg', 'not a picture')));
    expect(problem.message).not.toContain('\n');
    expect(problem.message).toContain('broken\\nname.jpg');
  });

  it('converts to 8-bit sRGB RGB: 16-bit PNG with alpha (flattened on white), greyscale, CMYK, Display P3', async () => {
    const rgba16 = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).toColourspace('rgb16').png().toBuffer();
    const clear = decoded(await decodePhoto(await write('alpha16.png', rgba16)));
    expect(Array.from(clear.modelPixels.data.subarray(0, 3))).toEqual([255, 255, 255]);

    const grey = decoded(await decodePhoto(await write('grey.jpg', await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777' } }).greyscale().jpeg().toBuffer())));
    expect(grey.modelPixels.data.length).toBe(64 * 64 * 3);

    const cmyk = decoded(await decodePhoto(await write('cmyk.jpg', await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0080ff' } }).toColourspace('cmyk').jpeg().toBuffer())));
    const [r, , b] = Array.from(cmyk.modelPixels.data.subarray(0, 3));
    expect(r).toBeLessThan(40); // CMYK's smaller gamut dulls the blue a little, but it stays blue
    expect(b).toBeGreaterThan(160);

    // Pure red stored in Display P3 is (234, 51, 34) in the file; in sRGB it is (255, 0, 0) again.
    const p3 = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } }).withIccProfile('p3').png().toBuffer();
    const red = decoded(await decodePhoto(await write('p3.png', p3)));
    const [rr, rg, rb] = Array.from(red.modelPixels.data.subarray(0, 3));
    expect(rr).toBeGreaterThan(250);
    expect(rg).toBeLessThan(10);
    expect(rb).toBeLessThan(10);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frame = (colour: string) => sharp({ create: { width: 48, height: 32, channels: 3, background: colour } }).png().toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } }).gif().toBuffer();
    const photo = decoded(await decodePhoto(await write('animated.gif', gif)));
    expect(photo).toMatchObject({ format: 'gif', width: 48, height: 32 });
    const [r, , b] = Array.from(photo.modelPixels.data.subarray(0, 3));
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
  });
});

describe('decodePhoto on RAW files (embedded previews)', () => {
  it('uses the largest decodable preview, skipping lossless raw data, and applies the RAW orientation', async () => {
    const preview = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    const file = await write('IMG_0001.dng', fakeDng(preview, { thumbnail: await solidJpeg(160, 120), orientation: 6, make: 'Leica Camera AG', model: 'LEICA Q2' }));
    const photo = decoded(await decodePhoto(file));
    expect(photo).toMatchObject({ format: 'dng', width: 1200, height: 1600, decodedFrom: 'embedded-preview', warnings: [] });
    expect(photo.metadata).toMatchObject({ orientation: 6, camera: { make: 'Leica Camera AG', model: 'LEICA Q2' } });
    await expectConsistent(photo);
  });

  it('finds previews in NEF, RW2, ORF, RAF and CR3 containers', async () => {
    const preview = await solidJpeg(1280, 960, { IFD0: { Make: 'FUJIFILM', Model: 'X-T5' } });
    const files: Array<[string, Buffer, string]> = [
      ['DSC_0001.NEF', fakeNef(preview), 'nef'],
      ['P1000001.RW2', fakeRw2(preview), 'rw2'],
      ['P0000001.ORF', fakeOrf(preview), 'orf'],
      ['DSCF0001.RAF', fakeRaf(preview), 'raf'],
      ['IMG_0001.CR3', fakeCr3(preview), 'cr3'],
    ];
    for (const [name, bytes, format] of files) {
      const photo = decoded(await decodePhoto(await write(name, bytes)));
      expect(photo, name).toMatchObject({ format, width: 1280, height: 960, decodedFrom: 'embedded-preview' });
    }
    // RAF keeps its EXIF only in the preview, and it is read from there.
    expect(decoded(await decodePhoto(path.join(dir, 'DSCF0001.RAF'))).metadata.camera).toEqual({ make: 'FUJIFILM', model: 'X-T5' });
  });

  it('decodes the smallest preview that covers every output, and reports the size of the largest', async () => {
    // A full-size preview (blue) and a 1500 × 1000 one (red), as CR3 and ARW files carry.
    const full = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#33c' } }).jpeg().toBuffer();
    const medium = await sharp({ create: { width: 1500, height: 1000, channels: 3, background: '#c33' } }).jpeg().toBuffer();
    const file = await write('IMG_0002.dng', fakeDng(full, { thumbnail: medium, orientation: 6 }));
    const colour = (photo: DecodedPhoto) => (photo.modelPixels.data[0]! > 200 ? 'red' : photo.modelPixels.data[2]! > 200 ? 'blue' : 'other');

    const thumbnailAndModel = decoded(await decodePhoto(file));
    expect(colour(thumbnailAndModel)).toBe('red');
    expect(thumbnailAndModel).toMatchObject({ width: 2000, height: 3000, thumbnailWidth: 341, thumbnailHeight: 512, warnings: [] });
    await expectConsistent(thumbnailAndModel);
    // Text reading at 1280 px: the 1500 px preview still covers it; at 2000 px only the full one does.
    expect(colour(decoded(await decodePhoto(file, { analysisSide: 1280 })))).toBe('red');
    const sharper = decoded(await decodePhoto(file, { analysisSide: 2000 }));
    expect(colour(sharper)).toBe('blue');
    expect(sharper).toMatchObject({ width: 2000, height: 3000 });
  });

  it('never picks a small or letterboxed thumbnail over the full preview', () => {
    const sides = { thumbnailSide: 512, modelSide: 224, analysisSide: 0 };
    const full = { name: 'full', width: 6000, height: 4000 };
    const medium = { name: 'medium', width: 1620, height: 1080 };
    const letterboxed = { name: '4:3 thumbnail of a 3:2 picture', width: 1600, height: 1200 };
    const small = { name: 'small', width: 640, height: 424 };
    expect(previewsToTry([small, full, letterboxed, medium], sides).map((p) => p.name)).toEqual(['medium', 'full', letterboxed.name, 'small']);
    expect(previewsToTry([small, full, letterboxed], sides).map((p) => p.name)).toEqual(['full', letterboxed.name, 'small']);
    // When nothing smaller covers the outputs, the largest goes first.
    expect(previewsToTry([small, full], { ...sides, analysisSide: 8000 }).map((p) => p.name)).toEqual(['full', 'small']);
    expect(previewsToTry([], sides)).toEqual([]);
  });

  it('warns about a RAW with only a tiny preview, and reports one with none as unsupported', async () => {
    const small = decoded(await decodePhoto(await write('small.nef', fakeNef(await solidJpeg(160, 120)))));
    expect(small.warnings.map((w) => w.kind)).toEqual(['small-preview']);
    const none = await decodePhoto(await write('none.rw2', fakeRw2(Buffer.from('no preview here'))));
    expect(none.status).toBe('unsupported');
    if (none.status === 'unsupported') expect(none.problem.message).toContain('"none.rw2"');
  });
});

describe('missingEdgeFraction', () => {
  it('measures flat rows or columns along any edge', () => {
    const width = 10;
    const height = 10;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251; // busy picture
    expect(missingEdgeFraction({ data, width, height })).toBeLessThan(0.2);
    data.fill(128, 6 * width * 3); // bottom 4 rows grey
    expect(missingEdgeFraction({ data, width, height })).toBeCloseTo(0.4, 5);
  });
});
