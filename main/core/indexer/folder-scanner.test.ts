// Tests the folder walk on a real temporary tree: hidden/system folders, non-photos, symlink loops.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFolders, type ScannedFile } from './folder-scanner.ts';

const extensions = new Set(['.jpg', '.png']);
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-scan-'));
  const files = ['a.jpg', 'b.PNG', 'notes.txt', 'sub/c.jpg', '.hidden/d.jpg', '@eaDir/e.jpg', 'sub/deeper/ü new\nline.jpg', '.f.jpg'];
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), 'x');
  }
  await fs.symlink(root, path.join(root, 'sub', 'loop')); // a link back to the root
  await fs.symlink(path.join(root, 'missing.jpg'), path.join(root, 'dangling.jpg'));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

async function collect(roots: string[]): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  for await (const file of scanFolders(roots, { extensions })) out.push(file);
  return out;
}

describe('scanFolders', () => {
  it('finds photos once, skipping hidden, system and non-photo files, surviving a symlink loop', async () => {
    const found = (await collect([root])).map((f) => path.relative(root, f.path)).sort();
    expect(found).toEqual(['a.jpg', 'b.PNG', 'sub/c.jpg', 'sub/deeper/ü new\nline.jpg'].sort());
  });
  it('reports an unreadable root as a warning, not a crash', async () => {
    const warnings: string[] = [];
    for await (const _ of scanFolders([path.join(root, 'nope')], { extensions, onWarning: (w) => warnings.push(w.reason) })) void _;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be read/);
  });
});
