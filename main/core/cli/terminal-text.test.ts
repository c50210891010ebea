// terminalSafe (pure), and the real `photobind` printing a hostile file name through search, problems
// and info in child processes: no raw control character reaches the terminal.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { runPhotobind } from './cli-process.test-support.ts';
import { terminalSafe } from './terminal-text.ts';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('escapes escape sequences, carriage returns, newlines, bells, C1 and bidi controls', () => {
    expect(terminalSafe('a\u001b[2Jb')).toBe('a\\e[2Jb');
    expect(terminalSafe('x\rfake\nline\t!')).toBe('x\\rfake\\nline\\t!');
    expect(terminalSafe('\u0007\u0000\u007f\u009b')).toBe('\\x07\\x00\\x7f\\x9b');
    expect(terminalSafe('photo\u202egpj.exe')).toBe('photo\\u202egpj.exe');
  });

  it('leaves printable text alone, every script included', () => {
    for (const text of ['/home/ana/Fotos/été 2024/IMG_0001.JPG', '東京タワー.jpg', 'ภาพ.png', '📷 ü ß \u00a0x', '\ufffd.jpg']) expect(terminalSafe(text)).toBe(text);
  });

  it('keeps line breaks only when asked, for a whole multi-line message', () => {
    expect(terminalSafe('one\ntwo\u001b', { keepNewlines: true })).toBe('one\ntwo\\e');
  });
});

describe('photobind prints hostile file names escaped', () => {
  let tmp: string;
  let album: string;
  let library: string;
  const evilName = 'evil\u001b[2J\u001b[Hcleared\rfake\nline\u0007.jpg';
  const badName = 'broken\u001b]0;title\u0007.jpg';

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-terminal-'));
    album = path.join(tmp, 'album');
    library = path.join(tmp, 'library');
    const { files, manifestPath } = await renderDemoAlbum({ outDir: album, count: 2, seed: 91 });
    await fs.rm(manifestPath);
    await fs.rename(files[0]!, path.join(album, evilName));
    await fs.writeFile(path.join(album, badName), 'not a photo at all\n'.repeat(40));
    const lastYear = new Date(Date.now() - 365 * 86_400_000);
    await fs.utimes(path.join(album, badName), lastYear, lastYear);
  });
  afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

  it('index, search, problems and info print no raw control character', async () => {
    const env = { PHOTOBIND_LIBRARY: library };
    const index = await runPhotobind(['index', album, '--models', 'toy'], env);
    expect(index.code).toBe(0);
    const search = await runPhotobind(['search', 'a photo', '--models', 'toy'], env);
    const problems = await runPhotobind(['problems', '--models', 'toy'], env);
    const info = await runPhotobind(['info', path.join(album, evilName), '--models', 'toy'], env);
    for (const run of [index, search, problems, info]) {
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      expect(run.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(search.stdout).toContain(terminalSafe(path.join(album, evilName)));
    expect(problems.stdout).toContain(terminalSafe(path.join(album, badName)));
    expect(info.stdout).toContain(terminalSafe(path.join(album, evilName)));
    // The JSON output keeps the real name.
    const json = await runPhotobind(['search', 'a photo', '--models', 'toy', '--json'], env);
    expect((JSON.parse(json.stdout) as Array<{ path: string }>).map((hit) => hit.path)).toContain(path.join(album, evilName));
  }, 180_000);
});
