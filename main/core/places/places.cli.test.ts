// Place names in the CLI end to end, in child processes over a real toy-world album and library:
// `info` names the town and country beside the coordinates, `search --json` adds `place` beside `gps`.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';

let tmp: string;
let album: string;
let library: string;
const run = (...args: string[]) => runPhotobind(args, { PHOTOBIND_LIBRARY: library });

interface ManifestEntry {
  file: string;
  place: string;
  gps: { lat: number; lon: number };
}

const plain = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '');

let manifest: ManifestEntry[];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-places-cli-'));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  expect((await run('demo', '--out', album, '--count', '6', '--seed', '81', '--json')).code).toBe(0);
  manifest = (await fs.readFile(path.join(album, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ManifestEntry);
  expect((await run('index', album, '--models', 'toy', '--json')).code).toBe(0);
}, 300_000);
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('place names in the CLI', () => {
  it('info names the town and country of a photo, and keeps the coordinates', async () => {
    const first = manifest[0]!;
    const photoPath = path.join(album, first.file);
    const info = await run('info', photoPath, '--json');
    expect(info.code).toBe(0);
    const photo = JSON.parse(info.stdout) as { gps: { lat: number; lon: number }; place: { city: string; country: string; countryCode: string } };
    expect(photo.gps.lat).toBeCloseTo(first.gps.lat, 4);
    expect(plain(photo.place.city)).toBe(first.place);
    expect(photo.place.country.length).toBeGreaterThan(2);

    const text = await run('info', photoPath);
    expect(text.stdout).toMatch(new RegExp(`place\\s+${photo.place.city}, ${photo.place.country} \\(${first.gps.lat.toFixed(5)}, ${first.gps.lon.toFixed(5)}\\)`));
  }, 240_000);

  it('search adds "place" beside "gps" in --json, and the town and country to its lines', async () => {
    const search = await run('search', 'a photo', '--limit', '6', '--all', '--json');
    expect(search.code).toBe(0);
    const hits = JSON.parse(search.stdout) as Array<{ path: string; gps: { lat: number; lon: number } | null; place: { city: string } | null }>;
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      const entry = manifest.find((m) => path.join(album, m.file) === hit.path)!;
      expect(hit.gps).not.toBeNull();
      expect(plain(hit.place!.city)).toBe(entry.place);
    }
    const lines = (await run('search', 'a photo', '--limit', '6', '--all')).stdout;
    expect(lines).toMatch(/ {2}\d{4}-\d{2}-\d{2} {2}[^,]+, [A-Z]/);
  }, 240_000);

  it('a search that names a place matches the photos taken there', async () => {
    const first = manifest[0]!;

    // A search that names a place matches the photos taken there by GPS: alone (newest first), or with words.
    const there = manifest.filter((m) => m.place === first.place).map((m) => path.join(album, m.file)).sort();
    for (const query of [first.place, `a photo in ${first.place}`]) {
      const found = await run('search', query, '--limit', '20', '--all', '--json');
      expect(found.code, found.stderr).toBe(0);
      expect((JSON.parse(found.stdout) as Array<{ path: string }>).map((h) => h.path).sort(), query).toEqual(there);
    }
  }, 240_000);
});
