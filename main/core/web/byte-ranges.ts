// HTTP byte ranges (RFC 9110 §14): which part of a file a `Range: bytes=...` request asks for, so videos stream and seek.
export type RangeAnswer =
  /** No usable Range header: send the whole file (200). */
  | { kind: 'whole' }
  /** Send bytes start..end inclusive (206 with Content-Range). */
  | { kind: 'part'; start: number; end: number }
  /** The range lies outside the file (416 with `Content-Range: bytes *\/size`). */
  | { kind: 'unsatisfiable' };

/**
 * Reads a Range header for a file of `size` bytes. One range only ("bytes=0-", "bytes=500-999",
 * "bytes=-500"); a multi-range or malformed header is ignored (the whole file is sent), as the RFC allows.
 */
export function parseByteRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  const [, first, last] = match;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0) return { kind: 'unsatisfiable' };
    return size === 0 ? { kind: 'unsatisfiable' } : { kind: 'part', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}
