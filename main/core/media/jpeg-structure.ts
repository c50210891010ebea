// Walks JPEG markers (without decoding) to find a JPEG's size, frame type and where it ends.
//
// Used to tell a truncated JPEG from a complete one (data after EOI, such as a motion photo's video,
// is fine), and to measure the JPEG previews embedded in RAW files.

export interface JpegStructure {
  /** Offset of the SOI marker. */
  start: number;
  /** Frame size from the SOF segment; 0 when the data ends before it. */
  width: number;
  height: number;
  /** The SOF marker byte: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless, ... 0 if none. */
  frameMarker: number;
  /** Offset just past the EOI marker; undefined when the data ends first (a truncated JPEG). */
  end: number | undefined;
  /** Whether at least one scan (SOS) starts, i.e. some picture data is present. */
  hasScan: boolean;
  /** The marker structure is broken (damaged, not cut short): `end` is then undefined too. */
  malformed: boolean;
}

/** Frame markers whose pictures libjpeg (and so sharp) decodes: baseline, extended and progressive Huffman. */
export const DECODABLE_JPEG_FRAMES: ReadonlySet<number> = new Set([0xc0, 0xc1, 0xc2]);

/** Reads the JPEG that starts at `start` (it must begin with FF D8 FF); undefined if it does not. */
export function readJpegStructure(bytes: Uint8Array, start = 0, limit = bytes.length): JpegStructure | undefined {
  if (start + 3 > limit || bytes[start] !== 0xff || bytes[start + 1] !== 0xd8 || bytes[start + 2] !== 0xff) return undefined;
  const result: JpegStructure = { start, width: 0, height: 0, frameMarker: 0, end: undefined, hasScan: false, malformed: false };
  let pos = start + 2;
  for (let guard = 0; guard < 100_000; guard++) {
    // Markers may be preceded by any number of 0xFF fill bytes.
    while (pos < limit && bytes[pos] === 0xff && bytes[pos + 1] === 0xff) pos++;
    if (pos + 1 >= limit) return result;
    if (bytes[pos] !== 0xff) return { ...result, malformed: true };
    const marker = bytes[pos + 1] ?? 0;
    if (marker === 0xd9) {
      result.end = pos + 2;
      return result;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (pos + 4 > limit) return result;
    const length = ((bytes[pos + 2] ?? 0) << 8) | (bytes[pos + 3] ?? 0);
    if (length < 2) return { ...result, malformed: true };
    if (pos + 2 + length > limit) return result;
    if (isFrameMarker(marker) && result.frameMarker === 0 && length >= 7) {
      result.frameMarker = marker;
      result.height = ((bytes[pos + 5] ?? 0) << 8) | (bytes[pos + 6] ?? 0);
      result.width = ((bytes[pos + 7] ?? 0) << 8) | (bytes[pos + 8] ?? 0);
    }
    pos += 2 + length;
    if (marker === 0xda) {
      result.hasScan = true;
      const next = findMarkerAfterEntropyData(bytes, pos, limit);
      if (next === undefined) return result;
      pos = next;
    }
  }
  return { ...result, malformed: true };
}

function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Offset of the first real marker after entropy-coded data (skipping FF00 stuffing and RSTn). */
function findMarkerAfterEntropyData(bytes: Uint8Array, from: number, limit: number): number | undefined {
  let pos = from;
  for (;;) {
    const at = bytes.indexOf(0xff, pos);
    if (at < 0 || at + 1 >= limit) return undefined;
    const next = bytes[at + 1] ?? 0;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
      pos = next === 0xff ? at + 1 : at + 2;
      continue;
    }
    return at;
  }
}
