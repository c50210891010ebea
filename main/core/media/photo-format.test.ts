// Tests format detection by magic bytes, the scanner's extension list and the truncation check.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fakeCr3, fakeDng, fakeNef, fakeOrf, fakeRaf, fakeRw2, noiseJpeg, REAL_PHOTOS, realPhoto, solidJpeg, TiffBuilder, tiffAscii, tiffLong } from './media-test-files.test-support.ts';
import { detectPhotoFormat, hasPhotoExtension, looksTruncated, PHOTO_EXTENSIONS } from './photo-format.ts';

const solid = () => sharp({ create: { width: 16, height: 12, channels: 3, background: '#808080' } });

describe('detectPhotoFormat', () => {
  it('recognises sharp-readable formats by content, whatever the name says', async () => {
    expect(detectPhotoFormat(await solid().jpeg().toBuffer(), 'x.png')).toBe('jpeg');
    expect(detectPhotoFormat(await solid().png().toBuffer(), 'x.jpg')).toBe('png');
    expect(detectPhotoFormat(await solid().webp().toBuffer(), 'x.jpg')).toBe('webp');
    expect(detectPhotoFormat(await solid().gif().toBuffer(), 'x.jpg')).toBe('gif');
    expect(detectPhotoFormat(await solid().tiff().toBuffer(), 'x.jpg')).toBe('tiff');
    expect(detectPhotoFormat(await solid().avif({ effort: 0 }).toBuffer(), 'x.heic')).toBe('avif');
  });

  it('recognises RAW containers: DNG by its tag, CR2/ORF/RW2/RAF/CR3 by magic, NEF/ARW by maker or name', async () => {
    const preview = await solidJpeg(64, 48);
    expect(detectPhotoFormat(fakeDng(preview), 'IMG.tif')).toBe('dng');
    expect(detectPhotoFormat(fakeDng(preview, { dngVersion: false }), 'DSC_1.NEF')).toBe('nef');
    expect(detectPhotoFormat(fakeDng(preview, { dngVersion: false }), 'DSC_1.arw')).toBe('arw');
    expect(detectPhotoFormat(fakeDng(preview, { dngVersion: false }), 'scan.tif')).toBe('tiff');
    expect(detectPhotoFormat(fakeNef(preview), 'renamed.tif')).toBe('nef');
    expect(detectPhotoFormat(fakeOrf(preview))).toBe('orf');
    expect(detectPhotoFormat(fakeRw2(preview))).toBe('rw2');
    expect(detectPhotoFormat(fakeRaf(preview))).toBe('raf');
    expect(detectPhotoFormat(fakeCr3(preview))).toBe('cr3');
    const cr2 = new TiffBuilder();
    const cr2Bytes = cr2.finish(cr2.directory({ 0x10f: tiffAscii('Canon'), 0x111: tiffLong(0) }));
    cr2Bytes.write('CR', 8, 'latin1');
    cr2Bytes[10] = 2;
    expect(detectPhotoFormat(cr2Bytes)).toBe('cr2');
  });

  it('recognises JPEG XL (bare codestream and container) as jxl', () => {
    expect(detectPhotoFormat(Buffer.from([0xff, 0x0a, 0xfa, 0x7f, 0x01, 0x90]))).toBe('jxl');
    expect(detectPhotoFormat(Buffer.from('0000000c4a584c200d0a870a0000001466747970', 'hex'))).toBe('jxl');
  });

  it('says not-an-image for text, videos and tiny files', () => {
    expect(detectPhotoFormat(Buffer.from('This is a shopping list, not a photo.\n'), 'list.jpg')).toBe('not-an-image');
    expect(detectPhotoFormat(Buffer.from('0000001c667479706d703432000000006d70343269736f6d', 'hex'), 'clip.heic')).toBe('not-an-image');
    expect(detectPhotoFormat(Buffer.from([0xff, 0xd8]))).toBe('not-an-image');
    expect(detectPhotoFormat(Buffer.alloc(0))).toBe('not-an-image');
  });

  it.skipIf(!REAL_PHOTOS)('recognises the real HEIC, AVIF and JXL samples', async () => {
    expect(detectPhotoFormat(await readFile(realPhoto('immich-test-assets/formats/heic/IMG_2682.heic')))).toBe('heic');
    expect(detectPhotoFormat(await readFile(realPhoto('immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic')))).toBe('heic');
    expect(detectPhotoFormat(await readFile(realPhoto('immich-test-assets/formats/avif/10bit-HDR-P3-nclx.avif')))).toBe('avif');
    expect(detectPhotoFormat(await readFile(realPhoto('immich-test-assets/formats/jxl/8bit-sRGB.jxl')))).toBe('jxl');
    expect(detectPhotoFormat(await readFile(realPhoto('immich-test-assets/formats/jxl/16bit-HDR-P3-nclx.jxl')))).toBe('jxl');
  });
});

describe('PHOTO_EXTENSIONS', () => {
  it('lists every format the scanner should consider', () => {
    for (const ext of ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.heic', '.heif', '.gif', '.tif', '.tiff', '.dng', '.cr2', '.cr3', '.nef', '.arw', '.orf', '.rw2', '.raf', '.jxl']) {
      expect(PHOTO_EXTENSIONS.has(ext), ext).toBe(true);
    }
    expect(hasPhotoExtension('/photos/IMG_0001.JPG')).toBe(true);
    expect(hasPhotoExtension('/photos/notes.txt')).toBe(false);
    expect(hasPhotoExtension('/photos/IMG_0001.xmp')).toBe(false);
  });
});

describe('looksTruncated', () => {
  it('tells a complete JPEG from one cut short, and allows data after the end (motion photos)', async () => {
    const jpeg = await noiseJpeg(200, 150);
    expect(looksTruncated('jpeg', jpeg)).toBe(false);
    expect(looksTruncated('jpeg', jpeg.subarray(0, Math.floor(jpeg.length * 0.7)))).toBe(true);
    expect(looksTruncated('jpeg', Buffer.concat([jpeg, Buffer.from('....ftypmp42 video data follows')]))).toBe(false);
    const damaged = Buffer.from(jpeg);
    damaged.fill(0, 4, 8); // a zero segment length: broken, not cut short
    expect(looksTruncated('jpeg', damaged)).toBe(false);
  });

  it('checks PNG chunks, the WebP RIFF size and HEIF boxes', async () => {
    const png = await solid().png().toBuffer();
    expect(looksTruncated('png', png)).toBe(false);
    expect(looksTruncated('png', png.subarray(0, png.length - 6))).toBe(true);
    const webp = await solid().webp().toBuffer();
    expect(looksTruncated('webp', webp)).toBe(false);
    expect(looksTruncated('webp', webp.subarray(0, webp.length - 4))).toBe(true);
    const avif = await solid().avif({ effort: 0 }).toBuffer();
    expect(looksTruncated('avif', avif)).toBe(false);
    expect(looksTruncated('avif', avif.subarray(0, avif.length - 10))).toBe(true);
  });
});
