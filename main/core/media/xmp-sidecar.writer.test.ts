// Tests XMP sidecar writing through real files, read back by exifr (not our reader), Python's XML parser
// where present, and real Lightroom / exiv2 sidecars from the shared test set.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Exifr from 'exifr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REAL_PHOTOS, REAL_PHOTOS_SKIP_NOTE, realPhoto, solidJpeg } from './media-test-files.test-support.ts';
import { decodeXmpText, readPhotoMetadata } from './photo-metadata.reader.ts';
import { escapeXml, sidecarPathFor, updateXmpText, writeSidecar, XmpSidecarError } from './xmp-sidecar.writer.ts';

// The CommonJS build: its default export has `sidecar` (see photo-metadata.reader.ts).
const exifr = createRequire(import.meta.url)('exifr') as typeof Exifr;

type XmpOutput = Record<string, Record<string, unknown>>;
/** exifr's reading of a sidecar file (UTF-16 sidecars are converted first: exifr reads only UTF-8). */
async function independentRead(file: string): Promise<XmpOutput> {
  const text = decodeXmpText(await readFile(file));
  return (await exifr.sidecar(Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8'), {}, 'xmp')) as unknown as XmpOutput;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const PYTHON = ['python3', '/usr/bin/python3'].find((cmd) => spawnSync(cmd, ['-c', 'import xml.etree.ElementTree'], { stdio: 'ignore' }).status === 0);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

async function photo(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, await solidJpeg(64, 48));
  return file;
}

const LIGHTROOM_STYLE = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c140 79.160451, 2017/05/06-01:08:21        ">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
   xmp:Rating="4"
   xmp:Label="Red"
   crs:Exposure2012="+0.35"
   crs:Temperature="5200">
   <dc:description>
    <rdf:Alt>
     <rdf:li xml:lang="x-default">old caption</rdf:li>
     <rdf:li xml:lang="de-DE">alte Bildunterschrift</rdf:li>
    </rdf:Alt>
   </dc:description>
   <dc:subject>
    <rdf:Bag>
     <rdf:li>holiday</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <lr:hierarchicalSubject>
    <rdf:Bag>
     <rdf:li>places|Spain</rdf:li>
    </rdf:Bag>
   </lr:hierarchicalSubject>
   <crs:ToneCurvePV2012>
    <rdf:Seq>
     <rdf:li>0, 0</rdf:li>
     <rdf:li>255, 255</rdf:li>
    </rdf:Seq>
   </crs:ToneCurvePV2012>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;

describe('sidecar naming', () => {
  it('creates <basename>.xmp for a photo alone, and updates an existing <basename>.xmp', async () => {
    const jpg = await photo('IMG_1.jpg');
    const result = await writeSidecar(jpg, { description: 'a red car', keywords: ['car'] });
    expect(result).toMatchObject({ sidecarPath: path.join(dir, 'IMG_1.xmp'), created: true, changed: true, descriptionWritten: true });
    const again = await writeSidecar(jpg, { description: 'a blue car' });
    expect(again).toMatchObject({ sidecarPath: path.join(dir, 'IMG_1.xmp'), created: false, changed: true });
  });

  it('prefers an existing <file>.xmp (digiKam, darktable) over <basename>.xmp, as the reader does', async () => {
    const jpg = await photo('IMG_2.jpg');
    await writeFile(path.join(dir, 'IMG_2.xmp'), LIGHTROOM_STYLE);
    await writeFile(path.join(dir, 'IMG_2.jpg.xmp'), LIGHTROOM_STYLE);
    expect(await sidecarPathFor(jpg)).toEqual({ path: path.join(dir, 'IMG_2.jpg.xmp'), exists: true });
    await writeSidecar(jpg, { description: 'new' });
    expect(await readFile(path.join(dir, 'IMG_2.xmp'), 'utf8')).toBe(LIGHTROOM_STYLE);
  });

  it('uses <file>.xmp for both photos of a RAW+JPEG pair; Lightroom\'s <basename>.xmp stays the RAW\'s', async () => {
    const jpg = await photo('IMG_3.JPG');
    const raw = path.join(dir, 'IMG_3.CR2');
    await writeFile(raw, 'raw bytes');
    // No sidecar yet: each gets its own, so neither can be mistaken for the other's.
    expect((await writeSidecar(jpg, { description: 'jpeg caption' })).sidecarPath).toBe(`${jpg}.xmp`);
    expect((await writeSidecar(raw, { description: 'raw caption' })).sidecarPath).toBe(`${raw}.xmp`);

    const pair = path.join(dir, 'pair');
    await mkdir(pair);
    const jpg2 = path.join(pair, 'IMG_4.JPG');
    const raw2 = path.join(pair, 'IMG_4.NEF');
    await writeFile(jpg2, await solidJpeg(8, 8));
    await writeFile(raw2, 'raw bytes');
    await writeFile(path.join(pair, 'IMG_4.xmp'), LIGHTROOM_STYLE);
    // The RAW updates Lightroom's sidecar; the JPEG writes its own and leaves Lightroom's alone.
    expect((await writeSidecar(raw2, { description: 'raw caption' })).sidecarPath).toBe(path.join(pair, 'IMG_4.xmp'));
    const before = await readFile(path.join(pair, 'IMG_4.xmp'), 'utf8');
    expect((await writeSidecar(jpg2, { description: 'jpeg caption' })).sidecarPath).toBe(`${jpg2}.xmp`);
    expect(await readFile(path.join(pair, 'IMG_4.xmp'), 'utf8')).toBe(before);
    expect((await independentRead(`${jpg2}.xmp`)).dc!.description).toMatchObject({ value: 'jpeg caption' });
    expect((await independentRead(path.join(pair, 'IMG_4.xmp'))).dc!.description).toMatchObject({ value: 'raw caption' });
  });
});

describe('writeSidecar', () => {
  it('writes dc:description (rdf:Alt, x-default) and dc:subject (rdf:Bag) that exifr reads back', async () => {
    const jpg = await photo('beach.jpg');
    const { sidecarPath } = await writeSidecar(jpg, { description: 'a dog on a beach', keywords: ['dog', 'beach', 'summer 2024'] });
    const xmp = await independentRead(sidecarPath);
    expect(xmp.dc!.description).toEqual({ lang: 'x-default', value: 'a dog on a beach' });
    expect(xmp.dc!.subject).toEqual(['dog', 'beach', 'summer 2024']);
    const text = await readFile(sidecarPath, 'utf8');
    expect(text).toMatch(/<dc:description>\s*<rdf:Alt>\s*<rdf:li xml:lang="x-default">a dog on a beach<\/rdf:li>\s*<\/rdf:Alt>\s*<\/dc:description>/);
    expect(text).toMatch(/<dc:subject>\s*<rdf:Bag>\s*<rdf:li>dog<\/rdf:li>/);
    // Photobind's own reader (what the next index imports) agrees.
    const metadata = await readPhotoMetadata(jpg);
    expect(metadata.description).toBe('a dog on a beach');
    expect(metadata.keywords).toEqual(['dog', 'beach', 'summer 2024']);
  });

  it('keeps every other field of an existing sidecar (ratings, develop settings, other languages, hierarchy)', async () => {
    const jpg = await photo('IMG_5.jpg');
    const sidecar = path.join(dir, 'IMG_5.xmp');
    await writeFile(sidecar, LIGHTROOM_STYLE);
    const before = await independentRead(sidecar);
    await writeSidecar(jpg, { description: 'a cat on a sofa', keywords: ['cat', 'sofa'] });
    const after = await independentRead(sidecar);
    expect(after.dc!.description).toEqual({ lang: 'x-default', value: 'a cat on a sofa' });
    expect(after.dc!.subject).toEqual(['cat', 'sofa']);
    for (const ns of Object.keys(before).filter((k) => k !== 'dc')) expect(after[ns]).toEqual(before[ns]);
    expect(after.xmp).toMatchObject({ Rating: 4, Label: 'Red' });
    // Outside the two dc elements, the text is unchanged byte for byte.
    const strip = (t: string) => t.replace(/\n\s*<dc:(description|subject)>[\s\S]*?<\/dc:\1>/g, '');
    expect(strip(await readFile(sidecar, 'utf8'))).toBe(strip(LIGHTROOM_STYLE));
  });

  it('merges keywords when asked, and leaves a description a person wrote when told to', async () => {
    const jpg = await photo('IMG_6.jpg');
    const sidecar = path.join(dir, 'IMG_6.xmp');
    await writeFile(sidecar, LIGHTROOM_STYLE);
    const result = await writeSidecar(jpg, { description: 'model guess', keywords: ['Holiday', 'dog'], keywordsMode: 'merge', replaceDescriptionIf: (current) => current === null });
    expect(result).toMatchObject({ changed: true, descriptionWritten: false });
    const xmp = await independentRead(sidecar);
    expect(asList(xmp.dc!.description)).toContainEqual({ lang: 'x-default', value: 'old caption' });
    expect(asList(xmp.dc!.description)).toContainEqual({ lang: 'de-DE', value: 'alte Bildunterschrift' });
    expect(xmp.dc!.subject).toEqual(['holiday', 'dog']);
  });

  it('escapes XML specials and drops characters XML forbids', async () => {
    const jpg = await photo('odd.jpg');
    const nasty = 'Tom & Jerry <script>alert("x")</script> ]]> \'quoted\' naïve 🐱\u0001\u0008 end';
    const { sidecarPath } = await writeSidecar(jpg, { description: nasty, keywords: ['a&b', '<tag>'] });
    const text = await readFile(sidecarPath, 'utf8');
    expect(text).toContain('Tom &amp; Jerry &lt;script&gt;alert("x")&lt;/script&gt; ]]&gt;');
    expect(text.includes('\u0001') || text.includes('\u0008')).toBe(false);
    expect(escapeXml('a\uD800b\uFFFEc')).toBe('abc');
    const expected = nasty.replace('\u0001', '').replace('\u0008', '');
    // exifr hands entities back undecoded, so the exact text is checked with a conforming XML parser.
    expect((await independentRead(sidecarPath)).dc!.description).toMatchObject({ lang: 'x-default' });
    if (PYTHON) {
      const script = 'import sys, json, xml.etree.ElementTree as ET\nroot = ET.parse(sys.argv[1]).getroot()\nns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/"}\nprint(json.dumps({"d": root.find(".//dc:description/rdf:Alt/rdf:li", ns).text, "k": [li.text for li in root.findall(".//dc:subject/rdf:Bag/rdf:li", ns)]}))';
      const run = spawnSync(PYTHON, ['-c', script, sidecarPath], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ d: expected, k: ['a&b', '<tag>'] });
    } else console.warn('xmp-sidecar.writer.test: no python3 here; exact-text check done with our parser only');
    expect((await readPhotoMetadata(jpg)).keywords.length).toBe(2);
  });

  it('handles attribute-form fields and a self-closing rdf:Description', async () => {
    const jpg = await photo('IMG_7.jpg');
    const sidecar = path.join(dir, 'IMG_7.jpg.xmp');
    const compact = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:d="http://purl.org/dc/elements/1.1/" xmp:Rating="3" d:description="old"/></rdf:RDF></x:xmpmeta>';
    await writeFile(sidecar, compact);
    await writeSidecar(jpg, { description: 'new', keywords: ['k'] });
    const text = await readFile(sidecar, 'utf8');
    expect(text).not.toContain('d:description="old"');
    expect(text).toContain('<d:description>'); // the file's own prefix for the dc namespace
    const xmp = await independentRead(sidecar);
    expect(xmp.xmp).toMatchObject({ Rating: 3 });
    expect(xmp.d ?? xmp.dc).toMatchObject({ description: { value: 'new' }, subject: 'k' });
  });

  it('adds the dc namespace where the sidecar has none, and removes fields given as null / []', () => {
    const noDc = '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="2">\n  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n';
    const added = updateXmpText(noDc, { description: 'hello' }).text;
    expect(added).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(added).toContain('<rdf:li xml:lang="x-default">hello</rdf:li>');
    const removed = updateXmpText(LIGHTROOM_STYLE, { description: null, keywords: [] }).text;
    expect(removed).not.toContain('dc:description>');
    expect(removed).not.toContain('dc:subject>');
    expect(removed).toContain('<lr:hierarchicalSubject>');
  });

  it('does not rewrite a sidecar that already says the same, and never touches the photo', async () => {
    const jpg = await photo('IMG_8.jpg');
    const hash = await sha256(jpg);
    const first = await writeSidecar(jpg, { description: 'same', keywords: ['x'] });
    const mtime = (await stat(first.sidecarPath)).mtimeMs;
    const second = await writeSidecar(jpg, { description: 'same', keywords: ['x'] });
    expect(second).toMatchObject({ created: false, changed: false });
    expect((await stat(first.sidecarPath)).mtimeMs).toBe(mtime);
    expect(await sha256(jpg)).toBe(hash);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to touch a sidecar that is not XMP or is read-only', async () => {
    const jpg = await photo('IMG_9.jpg');
    const sidecar = path.join(dir, 'IMG_9.xmp');
    await writeFile(sidecar, '<x:xmpmeta><rdf:RDF><unclosed></x:xmpmeta>');
    await expect(writeSidecar(jpg, { description: 'x' })).rejects.toBeInstanceOf(XmpSidecarError);
    expect(await readFile(sidecar, 'utf8')).toBe('<x:xmpmeta><rdf:RDF><unclosed></x:xmpmeta>');
    await writeFile(sidecar, LIGHTROOM_STYLE);
    await chmod(sidecar, 0o444);
    await expect(writeSidecar(jpg, { description: 'x' })).rejects.toThrow(/read-only/);
    expect(await readFile(sidecar, 'utf8')).toBe(LIGHTROOM_STYLE);
  });
});

describe.skipIf(!REAL_PHOTOS)('writeSidecar on real sidecars', () => {
  if (!REAL_PHOTOS) console.warn(`xmp-sidecar.writer.test: ${REAL_PHOTOS_SKIP_NOTE}`);

  it('updates a Lightroom 4 UTF-16 sidecar in UTF-16, keeping its fields', async () => {
    const jpg = await photo('2000.jpg');
    const sidecar = path.join(dir, '2000.xmp');
    await copyFile(realPhoto('immich-test-assets/metadata/xmp/dates/2000.xmp'), sidecar);
    await chmod(sidecar, 0o644);
    const before = await independentRead(sidecar);
    await writeSidecar(jpg, { description: 'a lighthouse', keywords: ['sea'] });
    const bytes = await readFile(sidecar);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const after = await independentRead(sidecar);
    expect(after.xmp).toEqual(before.xmp);
    expect(after.dc).toMatchObject({ description: { lang: 'x-default', value: 'a lighthouse' }, subject: 'sea' });
    expect((await readPhotoMetadata(jpg)).description).toBe('a lighthouse');
  });

  it('updates an exiv2 (digiKam) <file>.xmp sidecar, keeping its EXIF and TIFF fields', async () => {
    const jpg = await photo('iso.jpg');
    const sidecar = `${jpg}.xmp`;
    await copyFile(realPhoto('immich-test-assets/problems/xmp/iso-value-array/iso-value-array.xmp'), sidecar);
    await chmod(sidecar, 0o644);
    const before = await independentRead(sidecar);
    await writeSidecar(jpg, { description: 'a bridge', keywords: ['bridge', 'river'] });
    const after = await independentRead(sidecar);
    for (const ns of ['exif', 'tiff', 'xmp', 'photoshop']) expect(after[ns]).toEqual(before[ns]);
    expect(after.dc).toEqual({ description: { lang: 'x-default', value: 'a bridge' }, subject: ['bridge', 'river'] });
  });
});
