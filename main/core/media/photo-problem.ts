// Why a photo could not be read or decoded, as a typed error whose message a user can act on.
import path from 'node:path';

/**
 * What went wrong with one photo file.
 * - `unsupported`: a real picture in a format Photobind has no decoder for (JPEG XL, ...).
 * - `empty`: the file has zero bytes.
 * - `corrupt`: the bytes are damaged; no picture could be decoded.
 * - `truncated`: the file ends before the picture does (an interrupted copy) and too little is left.
 * - `too-large`: more pixels or bytes than we decode safely (decompression bombs land here).
 * - `unreadable`: the operating system would not let us read it (permissions, a folder, I/O error).
 * - `not-an-image`: the bytes are not any picture format (a text file named .jpg, a video, ...).
 * - `changed-while-reading`: the file was being written while we read it.
 */
export type PhotoProblemKind =
  | 'unsupported'
  | 'empty'
  | 'corrupt'
  | 'truncated'
  | 'too-large'
  | 'unreadable'
  | 'not-an-image'
  | 'changed-while-reading';

/** A photo that cannot be (fully) used, with a sentence naming the file and what the user can do. */
export class PhotoProblemError extends Error {
  override readonly name = 'PhotoProblemError';
  readonly kind: PhotoProblemKind;
  /** The file the problem is about, as given by the caller. */
  readonly path: string;
  /** True when trying again later may succeed (file still being copied, vanished mid-scan, busy disk). */
  readonly transient: boolean;

  constructor(kind: PhotoProblemKind, filePath: string, message: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.path = filePath;
    this.transient = options.transient ?? kind === 'changed-while-reading';
  }
}

/**
 * How a file is named in messages: `"IMG_1.jpg" (in /photos/2020)`. Control characters (a newline in a
 * file name is legal on Linux and macOS) are shown escaped so that a message always stays one line.
 */
export function describeFile(filePath: string): string {
  const name = printable(path.basename(filePath));
  const folder = printable(path.dirname(filePath));
  return folder === '.' || folder === '' ? `"${name}"` : `"${name}" (in ${folder})`;
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Ready-made problems with their user-facing sentences, so wording stays consistent. */
export const photoProblem = {
  empty: (filePath: string, justWritten = false) =>
    new PhotoProblemError(
      'empty',
      filePath,
      justWritten
        ? `${describeFile(filePath)} is still empty (0 bytes); it is probably being copied. It will be read again in a moment.`
        : `${describeFile(filePath)} is empty (0 bytes), so there is no picture in it. If it came from a camera or phone, copy it again.`,
      { transient: justWritten },
    ),
  truncated: (filePath: string, detail?: string, cause?: unknown) =>
    new PhotoProblemError(
      'truncated',
      filePath,
      `${describeFile(filePath)} is incomplete: the file ends before the picture does${detail ? ` (${detail})` : ''}. It was probably cut off while being copied; copy it again from the original.`,
      { cause },
    ),
  corrupt: (filePath: string, detail?: string, cause?: unknown) =>
    new PhotoProblemError(
      'corrupt',
      filePath,
      `${describeFile(filePath)} is damaged and could not be decoded${detail ? ` (${detail})` : ''}. If another viewer cannot open it either, restore it from a backup.`,
      { cause },
    ),
  tooManyPixels: (filePath: string, size?: { width: number; height: number }, limit?: number, cause?: unknown) =>
    new PhotoProblemError(
      'too-large',
      filePath,
      `${describeFile(filePath)} has too many pixels to decode safely${size ? ` (${size.width} × ${size.height})` : ''}${limit ? `; the limit is ${formatMegapixels(limit)}` : ''}. Make a smaller copy in an image editor if you want it in the library.`,
      { cause },
    ),
  tooManyBytes: (filePath: string, size: number, limit: number) =>
    new PhotoProblemError(
      'too-large',
      filePath,
      `${describeFile(filePath)} is ${formatMegabytes(size)}, more than the ${formatMegabytes(limit)} Photobind reads for one photo. Make a smaller copy if you want it in the library.`,
    ),
  outOfMemory: (filePath: string, cause?: unknown) =>
    new PhotoProblemError(
      'too-large',
      filePath,
      `${describeFile(filePath)} needed more memory than was available while decoding. It will be tried again later; close other programs if this keeps happening.`,
      { transient: true, cause },
    ),
  notAnImage: (filePath: string) =>
    new PhotoProblemError(
      'not-an-image',
      filePath,
      `${describeFile(filePath)} is not a picture, although its name says so${extensionNote(filePath)}. It may have been renamed by mistake; you can move it out of the library.`,
    ),
  unsupported: (filePath: string, formatName: string, advice = 'Convert it to JPEG or PNG if you want it in the library.', cause?: unknown) =>
    new PhotoProblemError('unsupported', filePath, `${describeFile(filePath)} is ${formatName}, which Photobind cannot decode yet. ${advice}`, { cause }),
  unsupportedCompression: (filePath: string, cause?: unknown) =>
    new PhotoProblemError(
      'unsupported',
      filePath,
      `${describeFile(filePath)} uses a kind of picture compression that Photobind cannot decode yet. Convert it to JPEG or PNG if you want it in the library.`,
      { cause },
    ),
  notAFile: (filePath: string) =>
    new PhotoProblemError('unreadable', filePath, `${describeFile(filePath)} is a folder or special file, not a photo file, so it was skipped.`),
  noPermission: (filePath: string, cause?: unknown) =>
    new PhotoProblemError(
      'unreadable',
      filePath,
      `Photobind is not allowed to read ${describeFile(filePath)}. Check the file's permissions (or the folder's) and it will be read on the next scan.`,
      // Transient: fixing permissions changes neither size nor mtime, so a permanent problem (retried only
      // when those change) would never be read again, contrary to what the message promises.
      { transient: true, cause },
    ),
  vanished: (filePath: string, cause?: unknown) =>
    new PhotoProblemError(
      'unreadable',
      filePath,
      `${describeFile(filePath)} disappeared before it could be read; it was probably moved or deleted. It will be picked up again if it comes back.`,
      { transient: true, cause },
    ),
  ioError: (filePath: string, code: string, transient: boolean, cause?: unknown) =>
    new PhotoProblemError(
      'unreadable',
      filePath,
      `${describeFile(filePath)} could not be read from the disk (${code}). ${transient ? 'It will be tried again later.' : 'Check that the disk or network share is connected and healthy.'}`,
      { transient, cause },
    ),
  changedWhileReading: (filePath: string) =>
    new PhotoProblemError(
      'changed-while-reading',
      filePath,
      `${describeFile(filePath)} changed while it was being read (it is probably still being copied or edited). It will be read again once it stops changing.`,
      { transient: true },
    ),
};

function extensionNote(filePath: string): string {
  const ext = path.extname(filePath);
  return ext ? ` (it ends in ${printable(ext)})` : '';
}

function formatMegapixels(pixels: number): string {
  return `${Math.round(pixels / 1e6)} megapixels`;
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

const TRANSIENT_FS_CODES = new Set(['EBUSY', 'EAGAIN', 'EMFILE', 'ENFILE', 'EIO', 'ETIMEDOUT', 'ESTALE', 'EINTR', 'ECONNRESET', 'EHOSTDOWN']);

/**
 * Turns anything thrown while reading or decoding `filePath` (fs errors, sharp/libvips errors, libheif
 * errors, our own) into a PhotoProblemError. Unknown errors become `corrupt`, never a crash.
 */
export function toPhotoProblem(err: unknown, filePath: string): PhotoProblemError {
  if (err instanceof PhotoProblemError) return err;
  const code = errorCode(err);
  if (code) {
    if (code === 'EACCES' || code === 'EPERM') return photoProblem.noPermission(filePath, err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return photoProblem.vanished(filePath, err);
    if (code === 'EISDIR') return photoProblem.notAFile(filePath);
    if (code === 'ENOMEM') return photoProblem.outOfMemory(filePath, err);
    if (code === 'ERR_FS_FILE_TOO_LARGE') return photoProblem.tooManyBytes(filePath, 2 ** 31, 2 ** 31);
    if (code.startsWith('E') && !code.startsWith('ERR_')) return photoProblem.ioError(filePath, code, TRANSIENT_FS_CODES.has(code), err);
  }
  const message = errorMessage(err);
  const lower = message.toLowerCase();
  if (lower.includes('exceeds pixel limit') || lower.includes('security limit') || lower.includes('exceeds the maximum image size')) {
    return photoProblem.tooManyPixels(filePath, undefined, undefined, err);
  }
  if (lower.includes('out of memory') || lower.includes('bad_alloc') || lower.includes('memory allocation') || lower.includes('cannot enlarge memory')) {
    return photoProblem.outOfMemory(filePath, err);
  }
  if (lower.includes('buffer is empty') || lower.includes('file is empty')) return photoProblem.empty(filePath);
  if (lower.includes('premature end') || lower.includes('truncated') || lower.includes('unexpected end') || lower.includes('end of data') || lower.includes('not enough data')) {
    return photoProblem.truncated(filePath, undefined, err);
  }
  if (lower.includes('has not been built in') || lower.includes('no matching decoder') || lower.includes('unsupported codec') || lower.includes('unsupported feature') || lower.includes('unsupported color conversion')) {
    return photoProblem.unsupportedCompression(filePath, err);
  }
  if (lower.includes('unsupported image format')) return photoProblem.notAnImage(filePath);
  return photoProblem.corrupt(filePath, shortDetail(message), err);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof (err as { message: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/** First line of a library error, without a trailing colon, short enough for a sentence. */
function shortDetail(message: string): string | undefined {
  const first = message.split('\n').map((line) => line.trim()).find((line) => line.length > 0);
  if (!first) return undefined;
  const trimmed = first.replace(/[:.]\s*$/, '');
  return trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed;
}
