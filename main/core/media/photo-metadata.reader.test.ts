// Tests metadata reading through real camera files, synthetic files and .xmp sidecars.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCr3, fakeDng, makeTempDir, REAL_PHOTOS, REAL_PHOTOS_SKIP_NOTE, realPhoto, solidJpeg } from './media-test-files.test-support.ts';
import { exifDateTime, exifGps, iptcDateTime, mergeKeywords, starRating, xmpDateTime, xmpGps } from './photo-metadata-fields.ts';
import { decodeXmpText, readPhotoMetadata } from './photo-metadata.reader.ts';

const assets = (relative: string) => realPhoto(`immich-test-assets/${relative}`);

describe.skipIf(!REAL_PHOTOS)('readPhotoMetadata on real camera files', () => {
  if (!REAL_PHOTOS) console.warn(`photo-metadata.reader.test: ${REAL_PHOTOS_SKIP_NOTE}`);

  it('reads GPS, the XMP description and keywords (thompson-springs.jpg)', async () => {
    const metadata = await readPhotoMetadata(assets('metadata/gps-position/thompson-springs.jpg'));
    expect(metadata.gps?.lat).toBeCloseTo(39.115, 3);
    expect(metadata.gps?.lon).toBeCloseTo(-108.401, 3);
    expect(metadata.description).toMatch(/^Early winter scene .* Thompson Springs .*Utah\.$/);
    expect(metadata.keywords).toEqual(['carol m. highsmith', 'america', 'utah', 'utah winter scenes', 'thompson springs']);
    expect(metadata.takenAt).toBe('2022-01-10T15:15:44.31');
  });

  it('treats empty GPS tags as no position and reads the camera (empty_gps.jpg)', async () => {
    const metadata = await readPhotoMetadata(assets('metadata/gps-position/empty_gps.jpg'));
    expect(metadata.gps).toBeUndefined();
    expect(metadata.camera).toEqual({ make: 'motorola', model: 'moto g(9) plus' });
    expect(metadata.takenAt).toBe('2025-06-01T16:59:26.023460');
    expect(metadata.orientation).toBe(1);
  });

  it('reads capture dates in their various forms (metadata/dates)', async () => {
    const original = await readPhotoMetadata(assets('metadata/dates/datetimeoriginal-gps.jpg'));
    expect(original.takenAt).toBe('2025-12-01T11:30:00');
    expect(original.gps).toEqual({ lat: 39, lon: -108 });
    // DateTimeOriginal wins over CreateDate, GPS time, IPTC and XMP pdf:CreationDate.
    expect((await readPhotoMetadata(assets('metadata/dates/date-priority-test.jpg'))).takenAt).toBe('2023-02-02T02:00:00');
    // Only a GPS time stamp (UTC): used as a last resort, with its Z.
    const gpsOnly = await readPhotoMetadata(assets('metadata/dates/gps-datetime.jpg'));
    expect(gpsOnly.takenAt).toBe('2023-11-15T12:30:00Z');
    expect(gpsOnly.gps?.lat).toBeCloseTo(37.7749, 4);
    // IPTC TimeCreated without a DateCreated is not a date.
    const timeOnly = await readPhotoMetadata(assets('metadata/dates/time-created.jpg'));
    expect(timeOnly.takenAt).toBeUndefined();
    expect(timeOnly.camera).toEqual({ make: 'Canon', model: 'EOS R5' });
  });

  it('reads the Picasa description, keywords and camera (picasa.jpg)', async () => {
    const metadata = await readPhotoMetadata(assets('metadata/tags/picasa.jpg'));
    expect(metadata.description).toBe('Image-Description');
    expect(metadata.keywords).toEqual(['Frost', 'Yard']);
    expect(metadata.camera).toEqual({ make: 'Canon', model: 'Canon PowerShot SD1100 IS' });
  });

  it('reads the rating (mongolels.jpg)', async () => {
    const metadata = await readPhotoMetadata(assets('metadata/rating/mongolels.jpg'));
    expect(metadata.rating).toBe(3);
    expect(metadata.description).toBe('Mongol Els');
    expect(metadata.camera).toEqual({ make: 'Canon', model: 'Canon EOS 500D' });
  });

  it('merges dc:subject, IPTC and Lightroom hierarchical keywords without duplicates', async () => {
    const metadata = await readPhotoMetadata(assets('metadata/faces/portrait-orientation-6.jpg'));
    expect(metadata.keywords).toEqual(['Marie Curie', 'Pierre Curie']);
    expect(metadata.orientation).toBe(6);
  });

  it('reads HEIC EXIF (with the UTC offset) but reports orientation 1: HEIF rotation is in the container', async () => {
    const samsung = await readPhotoMetadata(assets('formats/motionphoto/samsung-one-ui-6.heic'));
    expect(samsung.takenAt).toBe('2024-01-12T21:38:53.853-08:00');
    expect(samsung.camera).toEqual({ make: 'samsung', model: 'SM-S906U' });
    expect(samsung.orientation).toBe(1); // its EXIF says 6; libheif already applies irot
    const iphone = await readPhotoMetadata(assets('formats/heic/IMG_2682.heic'));
    expect(iphone.camera).toEqual({ make: 'Apple', model: 'iPhone 7' });
    expect(iphone.gps?.lat).toBeCloseTo(41.2203, 3);
    expect(iphone.takenAt).toBe('2019-03-21T11:04:22.348');
  });

  it('reads WebP EXIF chunks, and returns empty metadata for JPEG XL', async () => {
    const webp = await readPhotoMetadata(assets('formats/webp/denali.webp'));
    expect(webp.camera).toEqual({ make: 'Canon', model: 'Canon EOS 7D' });
    expect(await readPhotoMetadata(assets('formats/jxl/8bit-sRGB.jxl'))).toEqual({ orientation: 1, keywords: [] });
  });

  it('reads EXIF orientation 1-8 from the orientation samples', async () => {
    for (let n = 1; n <= 8; n++) {
      expect((await readPhotoMetadata(realPhoto(`exif-orientation/Landscape_${n}.jpg`))).orientation).toBe(n);
    }
    expect((await readPhotoMetadata(realPhoto('exif-orientation/Landscape_0.jpg'))).orientation).toBe(1);
  });
});

describe('readPhotoMetadata with sidecars', () => {
  let dir = '';
  let cleanup: () => Promise<void> = () => Promise.resolve();
  beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
  afterAll(() => cleanup());

  const exifJpeg = () =>
    solidJpeg(64, 48, {
      IFD0: { Make: 'FUJIFILM', Model: 'X-T5', ImageDescription: 'Embedded caption' },
      IFD2: { DateTimeOriginal: '2021:05:06 07:08:09', OffsetTimeOriginal: '+02:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
    });

  it('reads embedded EXIF when there is no sidecar', async () => {
    const photo = path.join(dir, 'plain.jpg');
    await writeFile(photo, await exifJpeg());
    const metadata = await readPhotoMetadata(photo);
    expect(metadata).toMatchObject({ takenAt: '2021-05-06T07:08:09+02:00', camera: { make: 'FUJIFILM', model: 'X-T5' }, description: 'Embedded caption', orientation: 1 });
    expect(metadata.gps?.lat).toBeCloseTo(48.8567, 4);
    expect(metadata.gps?.lon).toBeCloseTo(2.35, 4);
  });

  it('lets <file>.xmp win over the embedded values, field by field', async () => {
    const photo = path.join(dir, 'DSCF0001.JPG');
    await writeFile(photo, await exifJpeg());
    await writeFile(
      `${photo}.xmp`,
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
      xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
      xmp:Rating="4" tiff:Orientation="8" exif:GPSLatitude="40,14.0786450N" exif:GPSLongitude="76,17.2284900W"
      exif:DateTimeOriginal="2020-01-02T03:04:05-05:00">
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Sidecar caption</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>beach</rdf:li><rdf:li>Family</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>People|family</rdf:li><rdf:li>Places|Spain|Cádiz</rdf:li></rdf:Bag></lr:hierarchicalSubject>
  </rdf:Description></rdf:RDF></x:xmpmeta>`,
    );
    const metadata = await readPhotoMetadata(photo);
    expect(metadata.description).toBe('Sidecar caption');
    expect(metadata.keywords).toEqual(['beach', 'Family', 'Cádiz']);
    expect(metadata.rating).toBe(4);
    expect(metadata.orientation).toBe(8);
    expect(metadata.takenAt).toBe('2020-01-02T03:04:05-05:00');
    expect(metadata.gps?.lat).toBeCloseTo(40.23464, 4);
    expect(metadata.gps?.lon).toBeCloseTo(-76.28714, 4);
    expect(metadata.camera).toEqual({ make: 'FUJIFILM', model: 'X-T5' }); // not in the sidecar: embedded value kept
  });

  it.skipIf(!REAL_PHOTOS)('reads a UTF-16 Lightroom sidecar named <basename>.xmp', async () => {
    const photo = path.join(dir, 'IMG_2000.jpg');
    await writeFile(photo, await exifJpeg());
    await copyFile(assets('metadata/xmp/dates/2000.xmp'), path.join(dir, 'IMG_2000.xmp'));
    expect((await readPhotoMetadata(photo)).takenAt).toBe('2000-09-27T14:35:33+02:00');
  });

  it('never throws: unreadable, empty, non-image and damaged files give default metadata', async () => {
    const text = path.join(dir, 'notes.jpg');
    await writeFile(text, 'Not a photo at all.\n');
    const empty = path.join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const folder = path.join(dir, 'folder.jpg');
    await mkdir(folder);
    const damaged = path.join(dir, 'damaged.jpg');
    const jpeg = await exifJpeg();
    jpeg.fill(0xee, 12, 80); // overwrite the middle of the EXIF header
    await writeFile(damaged, jpeg);
    for (const file of [text, empty, folder, path.join(dir, 'missing.jpg')]) {
      expect(await readPhotoMetadata(file)).toEqual({ orientation: 1, keywords: [] });
    }
    await expect(readPhotoMetadata(damaged)).resolves.toMatchObject({ orientation: 1 });
  });

  it('reads RAW metadata: DNG IFD0 and Canon CR3 CMT boxes', async () => {
    const preview = await solidJpeg(320, 240);
    const dng = path.join(dir, 'raw.dng');
    await writeFile(dng, fakeDng(preview, { orientation: 6, make: 'Leica Camera AG', model: 'LEICA Q2' }));
    expect(await readPhotoMetadata(dng)).toMatchObject({ orientation: 6, camera: { make: 'Leica Camera AG', model: 'LEICA Q2' } });
    const cr3 = path.join(dir, 'raw.cr3');
    await writeFile(cr3, fakeCr3(preview, { model: 'Canon EOS R7', orientation: 8 }));
    expect(await readPhotoMetadata(cr3)).toMatchObject({ orientation: 8, camera: { make: 'Canon', model: 'Canon EOS R7' } });
  });
});

describe('metadata field helpers', () => {
  it('formats EXIF, XMP and IPTC dates as local ISO 8601 with offsets when known', () => {
    expect(exifDateTime('2019:03:21 11:04:22')).toBe('2019-03-21T11:04:22');
    expect(exifDateTime('2019:03:21 11:04:22', '348', '-08:00')).toBe('2019-03-21T11:04:22.348-08:00');
    expect(exifDateTime('2019-03-21T11:04:22+0530')).toBe('2019-03-21T11:04:22+05:30');
    expect(exifDateTime('0000:00:00 00:00:00')).toBeUndefined();
    expect(exifDateTime('2019:02:30 10:00:00')).toBeUndefined();
    expect(exifDateTime('    ')).toBeUndefined();
    expect(exifDateTime('2019:03:21')).toBe('2019-03-21');
    expect(xmpDateTime('2022-01-10T15:15:44.31')).toBe('2022-01-10T15:15:44.31');
    expect(xmpDateTime('2000-09-27T14:35:33+02:00')).toBe('2000-09-27T14:35:33+02:00');
    expect(xmpDateTime('2000-09-27')).toBe('2000-09-27');
    expect(iptcDateTime('20220110', '151544-0400')).toBe('2022-01-10T15:15:44-04:00');
    expect(iptcDateTime(undefined, '143000+0000')).toBeUndefined();
  });

  it('rejects empty, NaN, out-of-range and 0,0 positions', () => {
    expect(exifGps([null, null, null], undefined, [null, null, null], undefined)).toBeUndefined();
    expect(exifGps([0, 0, 0], 'N', [0, 0, 0], 'E')).toBeUndefined();
    expect(exifGps(Number.NaN, 'N', 10, 'E')).toBeUndefined();
    expect(exifGps([95, 0, 0], 'N', [10, 0, 0], 'E')).toBeUndefined();
    expect(exifGps([39, 6, 54], 'N', [108, 24, 3.486], 'W')).toEqual({ lat: 39.115, lon: -108.4009683 });
    expect(xmpGps('40,14.0786450N', '76,17.2284900W')?.lon).toBeCloseTo(-76.28714, 4);
    expect(xmpGps('39,6,54N', '108,24,3.486W')?.lat).toBeCloseTo(39.115, 5);
    expect(xmpGps('', '')).toBeUndefined();
  });

  it('normalises ratings and keywords', () => {
    expect([starRating(3), starRating('5'), starRating(0), starRating(-1), starRating(7), starRating('x')]).toEqual([3, 5, undefined, -1, undefined, undefined]);
    expect(mergeKeywords(['Beach', 'sea'], ['beach', 'Sun'], ['SEA'])).toEqual(['Beach', 'sea', 'Sun']);
  });

  it('decodes UTF-8 and UTF-16 (with and without BOM) XMP text', () => {
    const text = '<x:xmpmeta>Größe</x:xmpmeta>';
    expect(decodeXmpText(Buffer.from(text, 'utf8'))).toBe(text);
    expect(decodeXmpText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeXmpText(Buffer.from(text, 'utf16le'))).toBe(text);
  });
});

describe('XML character references in XMP text', () => {
  it('are decoded in descriptions and keywords', async () => {
    const { decodeXmlEntities } = await import('./photo-metadata-fields.ts');
    expect(decodeXmlEntities('Tom &amp; Jerry &lt;3 &#233;t&#xE9; &bogus;')).toBe('Tom & Jerry <3 été &bogus;');
  });
});
