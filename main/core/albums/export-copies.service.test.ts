// Exporting copies: real files in a temp folder; nothing is ever overwritten, bad targets are refused clearly.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCopies, numberedName } from './export-copies.service.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-export-'));
  await fs.mkdir(path.join(dir, 'a'));
  await fs.mkdir(path.join(dir, 'b'));
  await fs.writeFile(path.join(dir, 'a', 'IMG_1.jpg'), 'first');
  await fs.writeFile(path.join(dir, 'b', 'IMG_1.jpg'), 'second');
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe('exportCopies', () => {
  it('copies into a new folder and numbers clashing names instead of overwriting', async () => {
    const out = path.join(dir, 'out');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'IMG_1.jpg'), 'already there');
    const copied = await exportCopies([path.join(dir, 'a', 'IMG_1.jpg'), path.join(dir, 'b', 'IMG_1.jpg')], out, path.join(dir, 'library'));
    expect(copied.map((c) => path.basename(c.to))).toEqual(['IMG_1 (2).jpg', 'IMG_1 (3).jpg']);
    await expect(fs.readFile(path.join(out, 'IMG_1.jpg'), 'utf8')).resolves.toBe('already there');
    await expect(fs.readFile(path.join(out, 'IMG_1 (2).jpg'), 'utf8')).resolves.toBe('first');
    await expect(fs.readFile(path.join(out, 'IMG_1 (3).jpg'), 'utf8')).resolves.toBe('second');
    await expect(fs.readFile(path.join(dir, 'a', 'IMG_1.jpg'), 'utf8')).resolves.toBe('first'); // originals untouched
    const fresh = await exportCopies([path.join(dir, 'a', 'IMG_1.jpg')], path.join(dir, 'new', 'deep'), path.join(dir, 'library'));
    expect(fresh[0]!.to).toBe(path.join(dir, 'new', 'deep', 'IMG_1.jpg'));
  });

  it('refuses relative paths, files, the library folder, and says which photo is gone', async () => {
    await expect(exportCopies([], 'relative/out', dir)).rejects.toThrow('is not a full path');
    await expect(exportCopies([], path.join(dir, 'a', 'IMG_1.jpg'), path.join(dir, 'library'))).rejects.toThrow('is a file, not a folder');
    await expect(exportCopies([], path.join(dir, 'library', 'x'), path.join(dir, 'library'))).rejects.toThrow("inside Photobind's own library folder");
    await expect(exportCopies([path.join(dir, 'a', 'IMG_1.jpg'), path.join(dir, 'gone.jpg')], path.join(dir, 'out2'), path.join(dir, 'library'))).rejects.toThrow(
      `${path.join(dir, 'gone.jpg')} is gone (moved or deleted since it was indexed); 1 copies were made before it.`,
    );
  });

  it('names numbered copies before the extension', () => {
    expect(numberedName('a.b.jpg', 2)).toBe('a.b (2).jpg');
    expect(numberedName('README', 3)).toBe('README (3)');
    expect(numberedName('.hidden', 2)).toBe('.hidden (2)');
  });
});
