// Builds a library with a photographed sign indexed by the toy models and its text read by the real PP-OCRv4 reader.
// The reading is stored by content hash in the text table, as the text stage stores it.
// Usage: node bin/run-ts.js e2e/support/seed-text-library.ts LIBRARY_DIR ALBUM_DIR
import fs from 'node:fs/promises';
import path from 'node:path';
import { libraryLayout } from '../../main/core/library/library-location.ts';
import { decodePhoto } from '../../main/core/media/photo-decoder.ts';
import { PhotobindCore } from '../../main/core/photobind-core.ts';
import { TextLinesRepository } from '../../main/core/storage/text-lines.repository.ts';
import { renderTextImage } from '../../main/core/text/rendered-text.test-support.ts';
import { createTextReader, MAX_TEXT_IMAGE_SIDE } from '../../main/core/text/text-reader.inference.ts';

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
    await core.index.index([albumDir]);
    const photo = await core.store.getPhoto(sign);
    if (!photo) throw new Error(`${sign} was not indexed`);
    const decoded = await decodePhoto(sign, { textSide: MAX_TEXT_IMAGE_SIDE });
    if (decoded.status !== 'decoded' || !decoded.textPixels) throw new Error(`${sign} did not decode`);
    const lines = await (await createTextReader({ threads: 2 })).read(decoded.textPixels);
    const text = await TextLinesRepository.open(libraryLayout(libraryDir).database);
    await text.upsert([{ contentHash: photo.contentHash, lines, modelId: 'paddleocr/pp-ocrv4-ch' }]);
    text.close();
    return sign;
  } finally {
    await core.close();
  }
}

if (process.argv[1]?.endsWith('seed-text-library.ts')) {
  const [library, album] = process.argv.slice(2);
  console.log(await seedTextLibrary(path.resolve(library!), path.resolve(album!)));
}
