// `photobind` with --models toy-multilingual end to end in child processes: a toy-world album indexed with the
// bilingual toy SigLIP (96-d vectors) and searched in Thai and English. Uses a temporary library.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonRun, runPhotobind } from './cli-process.test-support.ts';

interface ManifestEntry {
  file: string;
  scene: { setting: string; time: string; objects: Array<{ kind: string; color: string; count: number }> };
}

let tmp: string;
let album: string;
let library: string;

async function json<T>(...args: string[]): Promise<T> {
  return parseJsonRun<T>(await runPhotobind([...args, '--library', library, '--json']));
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-cli-th-'));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('photobind --models toy-multilingual', () => {
  it('indexes an album with the toy SigLIP and a Thai query finds the photos it names', async () => {
    await json('demo', '--out', album, '--count', '24', '--seed', '78');
    const summary = await json<{ indexed: number; failed: number; models: string }>('index', album, '--models', 'toy-multilingual');
    expect(summary).toMatchObject({ indexed: 24, failed: 0, models: 'toy-multilingual' });

    const manifest = (await fs.readFile(path.join(album, 'manifest.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ManifestEntry);
    const withKind = (kind: string): Set<string> =>
      new Set(manifest.filter((e) => e.scene.objects.some((o) => o.kind === kind)).map((e) => path.join(album, e.file)));
    for (const [query, kind] of [['สุนัข', 'dog'], ['เรือ', 'boat'], ['boat', 'boat']] as const) {
      const relevant = withKind(kind);
      expect(relevant.size, `album seed 78 has photos with a ${kind}`).toBeGreaterThanOrEqual(2);
      const hits = await json<Array<{ path: string }>>('search', query, '--limit', '2');
      expect(hits.map((h) => relevant.has(h.path)), `"${query}" finds photos with a ${kind}`).toEqual([true, true]);
    }
  });

  it('switching the set back: searches keep the old vectors until `index` re-embeds, then use the new model', async () => {
    // Choosing toy (toy CLIP, 128-d) on a library embedded by toy SigLIP (96-d) only marks the switch.
    const pending = await runPhotobind(['search', 'boat', '--limit', '2', '--models', 'toy', '--library', library, '--json']);
    expect(pending.code).toBe(0);
    expect(pending.stderr).toContain('results come from photobind/toy-siglip until the library is re-embedded for photobind/toy-clip');
    const status = await json<{ searchModel: string; modelSwitch: { from: string; to: string; reembedded: number; total: number } }>('status');
    expect(status).toMatchObject({ searchModel: 'photobind/toy-siglip', modelSwitch: { from: 'photobind/toy-siglip', to: 'photobind/toy-clip', reembedded: 0, total: 24 } });

    const index = await json<{ indexed: number; searchModel: string; modelSwitch: { switched: boolean; photos: number; waiting: number } }>('index');
    expect(index).toMatchObject({ indexed: 0, searchModel: 'photobind/toy-clip', modelSwitch: { switched: true, photos: 24, waiting: 0 } });
    expect(await json('status')).toMatchObject({ searchModel: 'photobind/toy-clip', modelSwitch: null });
    const hits = await json<Array<{ path: string }>>('search', 'boat', '--limit', '2');
    expect(hits).toHaveLength(2);
  });
});
