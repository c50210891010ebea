// Tests that errors from fs, sharp and libheif become the right PhotoProblemError with a usable sentence.
import { describe, expect, it } from 'vitest';
import { describeFile, PhotoProblemError, photoProblem, toPhotoProblem } from './photo-problem.ts';

const file = '/photos/2024/IMG_0001.jpg';
const fsError = (code: string) => Object.assign(new Error(`${code}: something, open '${file}'`), { code });

describe('toPhotoProblem', () => {
  it('classifies file-system errors', () => {
    expect(toPhotoProblem(fsError('EACCES'), file)).toMatchObject({ kind: 'unreadable', transient: true }); // retried: fixing permissions changes no size or time
    expect(toPhotoProblem(fsError('EPERM'), file)).toMatchObject({ kind: 'unreadable', transient: true });
    expect(toPhotoProblem(fsError('ENOENT'), file)).toMatchObject({ kind: 'unreadable', transient: true });
    expect(toPhotoProblem(fsError('EISDIR'), file)).toMatchObject({ kind: 'unreadable', transient: false });
    expect(toPhotoProblem(fsError('EIO'), file)).toMatchObject({ kind: 'unreadable', transient: true });
    expect(toPhotoProblem(fsError('EBUSY'), file)).toMatchObject({ kind: 'unreadable', transient: true });
    expect(toPhotoProblem(fsError('ENOMEM'), file)).toMatchObject({ kind: 'too-large', transient: true });
  });

  it('classifies sharp / libvips / libheif messages', () => {
    expect(toPhotoProblem(new Error('VipsJpeg: Premature end of JPEG file'), file).kind).toBe('truncated');
    expect(toPhotoProblem(new Error('VipsJpeg: premature end of JPEG image'), file).kind).toBe('truncated');
    expect(toPhotoProblem(new Error('Input image exceeds pixel limit'), file).kind).toBe('too-large');
    expect(toPhotoProblem(new Error('Input buffer contains unsupported image format'), file).kind).toBe('not-an-image');
    expect(toPhotoProblem(new Error('Input Buffer is empty'), file).kind).toBe('empty');
    expect(
      toPhotoProblem(new Error('heif: Error while loading plugin: Support for this compression format has not been built in: HEVC'), file).kind,
    ).toBe('unsupported');
    expect(toPhotoProblem(new Error('Input buffer has corrupt header: VipsJpeg: Bogus marker length'), file)).toMatchObject({ kind: 'corrupt', transient: false });
    expect(toPhotoProblem('something odd', file).kind).toBe('corrupt');
    expect(toPhotoProblem(undefined, file).kind).toBe('corrupt');
  });

  it('passes PhotoProblemErrors through unchanged', () => {
    const problem = photoProblem.changedWhileReading(file);
    expect(toPhotoProblem(problem, file)).toBe(problem);
    expect(problem).toBeInstanceOf(PhotoProblemError);
    expect(problem).toBeInstanceOf(Error);
    expect(problem).toMatchObject({ kind: 'changed-while-reading', transient: true, path: file, name: 'PhotoProblemError' });
  });

  it('writes one-line sentences that name the file', () => {
    for (const problem of [
      photoProblem.empty(file),
      photoProblem.truncated(file),
      photoProblem.corrupt(file, 'VipsJpeg: Bogus marker length'),
      photoProblem.tooManyPixels(file, { width: 100000, height: 100000 }, 200e6),
      photoProblem.tooManyBytes(file, 400 * 1024 * 1024, 300 * 1024 * 1024),
      photoProblem.notAnImage(file),
      photoProblem.unsupported(file, 'a JPEG XL image'),
      photoProblem.noPermission(file),
      photoProblem.changedWhileReading(file),
      toPhotoProblem(fsError('ENOENT'), file),
    ]) {
      expect(problem.message).toContain('"IMG_0001.jpg" (in /photos/2024)');
      expect(problem.message).toMatch(/\.$/);
      expect(problem.message).not.toContain('\n');
    }
    expect(photoProblem.tooManyPixels(file, { width: 100000, height: 100000 }, 200e6).message).toContain('100000 × 100000');
    expect(photoProblem.tooManyPixels(file, { width: 100000, height: 100000 }, 200e6).message).toContain('200 megapixels');
  });

  it('keeps messages on one line even for file names with newlines and shows Unicode as is', () => {
    expect(describeFile('/photos/line\nbreak.jpg')).toBe('"line\\nbreak.jpg" (in /photos)');
    expect(describeFile('/fotos/Größe 写真 🌄.jpg')).toBe('"Größe 写真 🌄.jpg" (in /fotos)');
    expect(photoProblem.empty('/photos/a\r\tb.jpg').message).not.toMatch(/[\r\n\t]/);
  });
});
