// Why a video could not be probed or decoded, as the same typed problem photos use (kind, path, sentence).
import { describeFile, PhotoProblemError } from '../media/photo-problem.ts';

export { PhotoProblemError as VideoProblemError } from '../media/photo-problem.ts';

// Videos reuse PhotoProblemError so that the problems table, the CLI and the app handle them as they
// handle photos; only the sentences differ. The kinds mean the same: `unsupported` (a codec our ffmpeg
// cannot decode), `truncated` (cut off), `corrupt` (damaged), `not-an-image` (no video stream at all).
export const videoProblem = {
  empty: (filePath: string) =>
    new PhotoProblemError('empty', filePath, `${describeFile(filePath)} is empty (0 bytes), so there is no video in it. If it came from a camera or phone, copy it again.`),
  truncated: (filePath: string, detail: string, cause?: unknown) =>
    new PhotoProblemError(
      'truncated',
      filePath,
      `${describeFile(filePath)} is incomplete: ${detail}. It was probably cut off while being recorded or copied; copy it again from the original.`,
      { cause },
    ),
  corrupt: (filePath: string, detail: string, cause?: unknown) =>
    new PhotoProblemError(
      'corrupt',
      filePath,
      `${describeFile(filePath)} is damaged and could not be decoded as a video (${detail}). If another player cannot open it either, restore it from a backup.`,
      { cause },
    ),
  unsupportedCodec: (filePath: string, codec: string) =>
    new PhotoProblemError(
      'unsupported',
      filePath,
      `${describeFile(filePath)} uses a video codec (${codec}) that Photobind cannot decode. Convert it to H.264 MP4 (for example with HandBrake) if you want it in the library.`,
    ),
  noVideoStream: (filePath: string, found: string) =>
    new PhotoProblemError(
      'not-an-image',
      filePath,
      `${describeFile(filePath)} has no video in it (${found}), although its name says it is a video. It may be a sound recording; you can move it out of the library.`,
    ),
  tooLarge: (filePath: string, width: number, height: number) =>
    new PhotoProblemError(
      'too-large',
      filePath,
      `${describeFile(filePath)} is a ${width} × ${height} video, larger than Photobind decodes (8K at most). Make a smaller copy if you want it in the library.`,
    ),
};
