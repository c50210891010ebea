// A photo's identity: the SHA-256 of its bytes, so a moved or renamed photo is recognised as itself.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The fingerprint of bytes already in memory (the model process hashes the bytes it decodes). */
export function fingerprintBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 40);
}

export async function contentFingerprint(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 40);
}
