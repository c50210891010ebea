// Ask through the real parts: toy VQA and captioner in the model process, LanceDB, rendered scenes.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { readManifest, renderDemoAlbum, type ManifestEntry } from '../toy-world/demo-album.ts';
import { pluralize } from '../toy-world/vocabulary.ts';

let tmp: string;
let album: string;
let manifest: ManifestEntry[];
let core: PhotobindCore;
const photoPath = (entry: ManifestEntry) => path.join(album, entry.file);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-ask-'));
  album = path.join(tmp, 'album');
  manifest = await readManifest((await renderDemoAlbum({ outDir: album, count: 40, seed: 61 })).manifestPath);
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
  await core.index.index([album]);
});
afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('asking about one photo', () => {
  it('answers colour, count and presence questions as the manifest says (absent things get a no)', async () => {
    const asked = { color: 0, count: 0, presence: 0, absent: 0 };
    const right = { color: 0, count: 0, presence: 0, absent: 0 };
    for (const entry of manifest.slice(0, 10)) {
      await core.ask.clearConversation(photoPath(entry)); // each question on its own, as the manifest asks it
      for (const { q, a } of entry.qa) {
        const kind = q.startsWith('what color') ? 'color' : q.startsWith('how many') ? 'count' : q.startsWith('is there') ? (a === 'no' ? 'absent' : 'presence') : null;
        if (!kind) continue;
        const answer = await core.ask.askPhoto(photoPath(entry), q);
        await core.ask.clearConversation(photoPath(entry));
        asked[kind]++;
        if (answer.toLowerCase() === a) right[kind]++;
      }
    }
    for (const kind of Object.keys(asked) as Array<keyof typeof asked>) {
      expect(asked[kind], kind).toBeGreaterThan(5);
      expect(right[kind] / asked[kind], `${kind}: ${right[kind]} of ${asked[kind]} right`).toBeGreaterThanOrEqual(0.75);
    }
  });

  it('answers setting and time questions as the manifest says, streaming tokens', async () => {
    let asked = 0;
    let right = 0;
    for (const entry of manifest.slice(0, 8)) {
      for (const { q, a } of entry.qa.filter((pair) => /^(where was this photo taken|is it day or night)\?$/.test(pair.q))) {
        const tokens: string[] = [];
        const answer = await core.ask.askPhoto(photoPath(entry), q, { onToken: (t) => tokens.push(t) });
        expect(tokens.length).toBeGreaterThan(0);
        expect(tokens.join('').trim()).toBe(answer);
        asked++;
        if (answer.toLowerCase() === a) right++;
      }
    }
    expect(right / asked).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps the conversation per photo, and starts over when cleared', async () => {
    const entry = manifest[10]!;
    await core.ask.clearConversation(photoPath(entry));
    await core.ask.askPhoto(photoPath(entry), 'is it day or night?');
    await core.ask.askPhoto(photoPath(entry), 'where was this photo taken?');
    const conversation = await core.ask.conversation(photoPath(entry));
    expect(conversation.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(conversation[1]!.content).toBe(entry.scene.time);
    await core.ask.clearConversation(photoPath(entry));
    expect(await core.ask.conversation(photoPath(entry))).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(core.ask.askPhoto(photoPath(manifest[0]!), 'what color is the car?', { signal: controller.signal })).rejects.toThrow();
  });
});

describe('asking the library', () => {
  it('counts and cites the photos that show the subject', async () => {
    const kinds = new Map<string, number>();
    for (const m of manifest) for (const o of m.scene.objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    const [kind] = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const result = await core.ask.askLibrary(`how many photos of ${pluralize(kind as never)}?`);
    const truth = manifest.filter((m) => m.scene.objects.some((o) => o.kind === kind)).map(photoPath);
    const cited = result.photos.map((p) => p.path);
    const correct = cited.filter((p) => truth.includes(p)).length;
    expect(cited.length).toBeGreaterThan(0);
    expect(correct / cited.length).toBeGreaterThanOrEqual(0.8);
    expect(result.answer).toMatch(new RegExp(`^I found (at least )?${cited.length} photos? of `));
  });

  it('says no rather than inventing when the subject is absent', async () => {
    const absent = await core.ask.askLibrary('do I have any photos of elephants?');
    expect(absent.answer).toMatch(/^No, I found no photos of elephants/);
    expect(absent.photos).toEqual([]);
  });

  it('keeps to the place a question names, by GPS, and says where in the answer', async () => {
    const places = new Map<string, number>();
    for (const m of manifest) places.set(m.place, (places.get(m.place) ?? 0) + 1);
    const [place] = [...places.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const result = await core.ask.askLibrary(`show me photos in ${place}`);
    const truth = manifest.filter((m) => m.place === place).map(photoPath);
    expect(result.question.place?.name).toBe(place);
    expect(result.photos.length).toBeGreaterThan(0);
    expect(result.photos.every((p) => truth.includes(p.path))).toBe(true);
    expect(result.answer).toContain(`in ${place}`);
  });
});
