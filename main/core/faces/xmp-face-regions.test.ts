// Tests reading and writing named face regions (MWG) with hand-written sidecars in digiKam, Lightroom and exiftool styles, and the real Curie portraits' embedded regions.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Exifr from 'exifr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REAL_PHOTOS, REAL_PHOTOS_SKIP_NOTE, realPhoto, solidJpeg } from '../media/media-test-files.test-support.ts';
import { updateFaceRegions, writeSidecar } from '../media/xmp-sidecar.writer.ts';
import {
  displayedToStored,
  findXmpPacket,
  namesForFaces,
  parseMwgRegions,
  readPhotoFaceRegions,
  storedToDisplayed,
  toDisplayedFaceRegions,
  toMwgRegionsField,
  type NamedFaceRegion,
} from './xmp-face-regions.ts';

const exifr = createRequire(import.meta.url)('exifr') as typeof Exifr;
const PYTHON = ['python3', '/usr/bin/python3'].find((cmd) => spawnSync(cmd, ['-c', 'import xml.etree.ElementTree'], { stdio: 'ignore' }).status === 0);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => cleanup());

/** digiKam / Picasa style: attributes on nested rdf:Description, for a photo stored sideways (orientation 6, stored 700 × 840). */
const DIGIKAM_SIDEWAYS = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:digiKam="http://www.digikam.org/ns/1.0/"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#">
   <digiKam:TagsList>
    <rdf:Seq>
     <rdf:li>People/Ann</rdf:li>
    </rdf:Seq>
   </digiKam:TagsList>
   <mwg-rs:Regions rdf:parseType="Resource">
    <mwg-rs:AppliedToDimensions stDim:w="700" stDim:h="840" stDim:unit="pixel"/>
    <mwg-rs:RegionList>
     <rdf:Bag>
      <rdf:li>
       <rdf:Description mwg-rs:Name="Ann &amp; Co" mwg-rs:Type="Face">
        <mwg-rs:Area stArea:x="0.25" stArea:y="0.5" stArea:w="0.2" stArea:h="0.1" stArea:unit="normalized"/>
       </rdf:Description>
      </rdf:li>
      <rdf:li>
       <rdf:Description mwg-rs:Name="Rex" mwg-rs:Type="Pet">
        <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1" stArea:unit="normalized"/>
       </rdf:Description>
      </rdf:li>
     </rdf:Bag>
    </mwg-rs:RegionList>
   </mwg-rs:Regions>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;

/** exiftool style: child elements with rdf:parseType="Resource", pixel units, an unnamed face. */
const EXIFTOOL_PIXELS = `<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#" xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#">
  <mwg-rs:Regions rdf:parseType="Resource">
   <mwg-rs:AppliedToDimensions rdf:parseType="Resource">
    <stDim:h>400</stDim:h>
    <stDim:unit>pixel</stDim:unit>
    <stDim:w>800</stDim:w>
   </mwg-rs:AppliedToDimensions>
   <mwg-rs:RegionList>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <mwg-rs:Area rdf:parseType="Resource">
       <stArea:x>200</stArea:x>
       <stArea:y>100</stArea:y>
       <stArea:w>80</stArea:w>
       <stArea:h>40</stArea:h>
       <stArea:unit>pixel</stArea:unit>
      </mwg-rs:Area>
      <mwg-rs:Type>Face</mwg-rs:Type>
     </rdf:li>
    </rdf:Bag>
   </mwg-rs:RegionList>
  </mwg-rs:Regions>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>`;

/** Lightroom style sidecar without regions, with other settings that must survive. */
const LIGHTROOM_NO_REGIONS = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.6-c140">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="4"
   crs:Exposure2012="+0.35">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>holiday</rdf:li>
    </rdf:Bag>
   </dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;

const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;

describe('orientation transforms', () => {
  it('maps the stored frame to the displayed one and back for all eight orientations', () => {
    // The stored top-left corner, displayed: orientation 6 turns it to the top right, 8 to the bottom left.
    expect(storedToDisplayed(0, 0, 6)).toEqual([1, 0]);
    expect(storedToDisplayed(0, 0, 8)).toEqual([0, 1]);
    expect(storedToDisplayed(0, 0, 3)).toEqual([1, 1]);
    for (let o = 1; o <= 8; o++) {
      const [x, y] = storedToDisplayed(0.2, 0.7, o);
      const [u, v] = displayedToStored(x, y, o);
      expect(near(u, 0.2) && near(v, 0.7), `orientation ${o}`).toBe(true);
    }
  });
});

describe('reading MWG regions', () => {
  it('reads a digiKam sidecar of a sideways photo: faces turned upright, pets left out, entities decoded', () => {
    const mwg = parseMwgRegions(DIGIKAM_SIDEWAYS)!;
    expect(mwg.appliedToDimensions).toEqual({ w: 700, h: 840 });
    expect(mwg.regions.map((r) => r.type)).toEqual(['Face', 'Pet']);
    const faces = toDisplayedFaceRegions(mwg, { width: 840, height: 700, orientation: 6 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.name).toBe('Ann & Co');
    // Stored centre (0.25, 0.5), 0.2 × 0.1 → displayed centre (1 − 0.5, 0.25), 0.1 × 0.2.
    const box = faces[0]!.box;
    expect([box.x, box.y, box.width, box.height].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.45, 0.15, 0.1, 0.2]);
  });

  it('takes regions as upright when AppliedToDimensions is the displayed size (older digiKam)', () => {
    const mwg = parseMwgRegions(DIGIKAM_SIDEWAYS.replace('stDim:w="700" stDim:h="840"', 'stDim:w="840" stDim:h="700"'))!;
    const box = toDisplayedFaceRegions(mwg, { width: 840, height: 700, orientation: 6 })[0]!.box;
    expect([box.x, box.y, box.width, box.height].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.15, 0.45, 0.2, 0.1]);
  });

  it('reads exiftool-style structs with pixel units; an unnamed face has name null', () => {
    const faces = toDisplayedFaceRegions(parseMwgRegions(EXIFTOOL_PIXELS)!, { width: 800, height: 400, orientation: 1 });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.name).toBeNull();
    // Centre (200, 100) px, 80 × 40 px of 800 × 400.
    expect(Object.values(faces[0]!.box).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.2, 0.2, 0.1, 0.1]);
  });

  it('gives undefined for XMP without regions and for text that is not XML', () => {
    expect(parseMwgRegions(LIGHTROOM_NO_REGIONS)).toBeUndefined();
    expect(parseMwgRegions('<x:xmpmeta><rdf:RDF>')).toBeUndefined();
  });

  it('prefers the sidecar over the embedded packet, and reads the embedded one without a sidecar', async () => {
    const photo = path.join(dir, 'IMG_1.jpg');
    const embedded = Buffer.concat([await solidJpeg(80, 40), Buffer.from(EXIFTOOL_PIXELS)]); // packet scanning finds it anywhere
    await writeFile(photo, embedded);
    const image = { width: 800, height: 400, orientation: 1 };
    expect(await readPhotoFaceRegions(photo, image)).toMatchObject({ source: 'embedded', regions: [{ name: null }] });
    await writeFile(`${photo}.xmp`, DIGIKAM_SIDEWAYS);
    const fromSidecar = await readPhotoFaceRegions(photo, { width: 840, height: 700, orientation: 6 });
    expect(fromSidecar).toMatchObject({ source: 'sidecar', sidecarPath: `${photo}.xmp`, regions: [{ name: 'Ann & Co' }] });
    expect(await readPhotoFaceRegions(path.join(dir, 'missing.jpg'), image)).toBeUndefined();
  });
});

describe.skipIf(!REAL_PHOTOS)(`real embedded regions (${REAL_PHOTOS ? 'the Curie portraits' : REAL_PHOTOS_SKIP_NOTE})`, () => {
  it('reads the same displayed regions from the upright portrait (digiKam style) and the orientation-6 one (exiftool style)', async () => {
    const upright = await readPhotoFaceRegions(realPhoto('immich-test-assets/metadata/faces/portrait.jpg'), { width: 840, height: 700, orientation: 1 });
    const sideways = await readPhotoFaceRegions(realPhoto('immich-test-assets/metadata/faces/portrait-orientation-6.jpg'), { width: 840, height: 700, orientation: 6 });
    expect(upright?.source).toBe('embedded');
    expect(upright!.regions.map((r) => r.name)).toEqual(['Marie Curie', 'Pierre Curie']);
    expect(sideways!.regions.map((r) => r.name)).toEqual(['Marie Curie', 'Pierre Curie']);
    for (let i = 0; i < 2; i++) {
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(upright!.regions[i]!.box[key] - sideways!.regions[i]!.box[key])).toBeLessThan(1e-4);
    }
    // Marie Curie's face is left of centre, in the upper half.
    const marie = upright!.regions[0]!.box;
    expect(marie.x + marie.width / 2).toBeCloseTo(0.368, 3);
    expect(marie.y + marie.height / 2).toBeCloseTo(0.308, 3);
    expect(findXmpPacket(await readFile(realPhoto('immich-test-assets/metadata/faces/portrait.jpg')))).toContain('mwg-rs:Regions');
  });
});

describe('writing named regions to sidecars', () => {
  const image = { width: 840, height: 700, orientation: 6 };
  const regions: NamedFaceRegion[] = [
    { name: 'Marie <Curie>', box: { x: 0.3, y: 0.2, width: 0.1, height: 0.2 } },
    { name: null, box: { x: 0.6, y: 0.1, width: 0.1, height: 0.25 } },
  ];

  it('adds regions to a Lightroom sidecar, keeping every other byte, and reads them back', async () => {
    const photo = path.join(dir, 'IMG_2.jpg');
    await writeFile(photo, await solidJpeg(64, 48));
    await writeFile(path.join(dir, 'IMG_2.xmp'), LIGHTROOM_NO_REGIONS);
    const result = await writeSidecar(photo, { faceRegions: toMwgRegionsField(regions, image) });
    expect(result).toMatchObject({ sidecarPath: path.join(dir, 'IMG_2.xmp'), created: false, changed: true });
    const written = await readFile(result.sidecarPath, 'utf8');
    // Everything before the inserted block and after it is the original text.
    const start = written.indexOf('\n   <mwg-rs:Regions');
    const end = written.indexOf('</mwg-rs:Regions>') + '</mwg-rs:Regions>'.length;
    expect(written.slice(0, start) + written.slice(end)).toBe(LIGHTROOM_NO_REGIONS);
    expect(written).toContain('<mwg-rs:AppliedToDimensions stDim:w="700" stDim:h="840" stDim:unit="pixel"/>');

    const back = await readPhotoFaceRegions(photo, image);
    expect(back?.source).toBe('sidecar');
    expect(back!.regions.map((r) => r.name)).toEqual(['Marie <Curie>', null]);
    back!.regions.forEach((r, i) => {
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(r.box[key] - regions[i]!.box[key])).toBeLessThan(1e-5);
    });
    // An independent reader (exifr, which leaves entities encoded) sees the struct and the other fields.
    type ExifrRegions = { AppliedToDimensions: { w: number; h: number }; RegionList: Array<{ Name?: string; Type: string; Area: { x: number; y: number } }> };
    const other = (await exifr.sidecar(Buffer.from(written, 'utf8'), {}, 'xmp')) as unknown as Record<string, Record<string, unknown>>;
    const parsed = other['mwg-rs']?.['Regions'] as ExifrRegions;
    expect(parsed.AppliedToDimensions).toMatchObject({ w: 700, h: 840 });
    expect(parsed.RegionList.map((r) => [r.Name, r.Type])).toEqual([
      ['Marie &lt;Curie&gt;', 'Face'],
      [undefined, 'Face'],
    ]);
    expect(parsed.RegionList[0]!.Area.x).toBeCloseTo(0.3, 6); // stored frame: displayed centre y 0.3 → stored x
    expect(other['xmp']?.['Rating']).toBe(4);
    if (PYTHON) expect(spawnSync(PYTHON, ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])', result.sidecarPath]).status).toBe(0);
  });

  it('replaces the face regions of a digiKam sidecar but keeps its pet region and everything else', () => {
    const updated = updateFaceRegions(DIGIKAM_SIDEWAYS, toMwgRegionsField([regions[0]!], image));
    const mwg = parseMwgRegions(updated)!;
    expect(mwg.regions.map((r) => [r.name, r.type])).toEqual([
      ['Marie <Curie>', 'Face'],
      ['Rex', 'Pet'],
    ]);
    expect(updated.slice(0, updated.indexOf('<mwg-rs:Regions'))).toBe(DIGIKAM_SIDEWAYS.slice(0, DIGIKAM_SIDEWAYS.indexOf('<mwg-rs:Regions')));
    expect(updated.slice(updated.indexOf('</mwg-rs:Regions>'))).toBe(DIGIKAM_SIDEWAYS.slice(DIGIKAM_SIDEWAYS.indexOf('</mwg-rs:Regions>')));
    // Removing the faces keeps the pet.
    const none = parseMwgRegions(updateFaceRegions(updated, null))!;
    expect(none.regions.map((r) => r.name)).toEqual(['Rex']);
    expect(none.appliedToDimensions).toEqual({ w: 700, h: 840 });
  });

  it('removes the whole struct when no regions are left, and creates a sidecar when there is none', async () => {
    const onlyFaces = updateFaceRegions(EXIFTOOL_PIXELS, null);
    expect(onlyFaces).not.toContain('Regions');
    expect(parseMwgRegions(onlyFaces)).toBeUndefined();

    const photo = path.join(dir, 'IMG_3.jpg');
    await writeFile(photo, await solidJpeg(64, 48));
    const created = await writeSidecar(photo, { faceRegions: toMwgRegionsField(regions, { width: 64, height: 48, orientation: 1 }) });
    expect(created).toMatchObject({ sidecarPath: path.join(dir, 'IMG_3.xmp'), created: true });
    const back = await readPhotoFaceRegions(photo, { width: 64, height: 48, orientation: 1 });
    expect(back!.regions.map((r) => r.name)).toEqual(['Marie <Curie>', null]);
    // Writing nothing to a photo without a sidecar creates nothing.
    const photo4 = path.join(dir, 'IMG_4.jpg');
    await writeFile(photo4, await solidJpeg(64, 48));
    expect(await writeSidecar(photo4, { faceRegions: null })).toMatchObject({ created: false, changed: false });
  });
});

describe('naming detected faces from regions', () => {
  it('gives each face the name of the region overlapping it most, each region once', () => {
    const regions: NamedFaceRegion[] = [
      { name: 'Ann', box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 } },
      { name: 'Bob', box: { x: 0.6, y: 0.1, width: 0.2, height: 0.2 } },
      { name: null, box: { x: 0.4, y: 0.6, width: 0.2, height: 0.2 } },
    ];
    const faces = [
      { x: 0.62, y: 0.12, width: 0.16, height: 0.18 }, // Bob, drawn tighter
      { x: 0.12, y: 0.08, width: 0.18, height: 0.2 }, // Ann
      { x: 0.4, y: 0.6, width: 0.2, height: 0.2 }, // an unnamed region
      { x: 0.18, y: 0.14, width: 0.18, height: 0.2 }, // a second, worse match for Ann's region: it is used once
    ];
    expect(namesForFaces(faces, regions)).toEqual(['Bob', 'Ann', null, null]);
  });
});
