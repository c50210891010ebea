// Builds a library with a photographed sign, indexed with the toy models; its text stage reads it with the real PP-OCRv4 model.
// Usage: node bin/run-ts.js e2e/support/seed-text-library.ts LIBRARY_DIR ALBUM_DIR
import fs from 'node:fs/promises';
import path from 'node:path';
import { PhotobindCore } from '../../main/core/photobind-core.ts';
import { renderTextImage } from '../../main/core/text/rendered-text.test-support.ts';

export async function seedTextLibrary(libraryDir: string, albumDir: string): Promise<string> {
  await fs.mkdir(albumDir, { recursive: true });
  const sign = path.join(albumDir, 'bakery-sign.jpg');
  const image = await renderTextImage({
    width: 1200,
    height: 800,
    lines: [{ text: 'BAKERY', fontSize: 96, bold: true }, { text: 'Fresh bread daily', fontSize: 56, fontFamily: 'DejaVu Serif', rotation: -5 }],
    background: { from: '#fff3e0', to: '#e0c9a6' },
    photographed: true,
    seed: 31,
  });
  await fs.writeFile(sign, image.jpeg);
  const core = await PhotobindCore.open({ libraryDir, modelSet: 'toy' });
  try {
    // The index pass reads the sign's text (the text stage) from the same decode as its embedding.
    const summary = await core.index.index([albumDir]);
    if (summary.indexed !== 1) throw new Error(`${sign} was not indexed`);
    return sign;
  } finally {
    await core.close();
  }
}

if (process.argv[1]?.endsWith('seed-text-library.ts')) {
  const [library, album] = process.argv.slice(2);
  console.log(await seedTextLibrary(path.resolve(library!), path.resolve(album!)));
}
