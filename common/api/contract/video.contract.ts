// The video domain of the API contract: how a video plays (itself, or a transcoded preview with progress), a live photo's motion, a moment's caption.
import { z } from 'zod';
import { method } from '../contract-kit.ts';

const HashSchema = z.string().regex(/^[0-9a-f]{16,128}$/);
const PreviewSchema = z.object({
  state: z.enum(['none', 'working', 'ready', 'failed']),
  /** 0..1 while working. */
  progress: z.number(),
  /** Why it failed. */
  message: z.string().nullable(),
});

export const videoMethods = {
  playback: method(
    z.object({ contentHash: HashSchema }),
    z.object({
      /** `direct`: plays from media route `video`; `preview`: from media route `preview` once the preview is ready. */
      mode: z.enum(['direct', 'preview']),
      duration: z.number().nullable(),
      videoCodec: z.string(),
      /** Why a preview plays instead of the file (shown beside the player), or null. */
      note: z.string().nullable(),
      preview: PreviewSchema,
    }),
    'How a library video plays here: the file itself (byte ranges) or an H.264 preview transcoded on demand; see [Note: playing videos].',
  ),
  preparePreview: method(z.object({ contentHash: HashSchema }), PreviewSchema, 'Starts (or joins) the transcoding of a video\'s preview; poll playback for its progress.'),
  motion: method(
    z.object({ contentHash: HashSchema }),
    z.object({ motion: z.object({ kind: z.enum(['paired', 'embedded']) }).nullable() }),
    'A still\'s motion (a live photo\'s paired video, or a motion photo\'s embedded MP4), made playable from media route `motion`; null when it has none.',
  ),
  badges: method(
    z.object({ contentHashes: z.array(HashSchema).max(1000) }),
    z.object({
      badges: z.array(
        z.object({
          contentHash: z.string(),
          /** A video's length in seconds; null for a still or a video not measured yet. */
          duration: z.number().nullable(),
          /** A live photo (paired video) or motion photo (embedded MP4). */
          live: z.boolean(),
        }),
      ),
    }),
    'What grid tiles show beside their thumbnails: a video\'s duration, a live or motion photo\'s Live badge (one call per page of tiles).',
  ),
  captionMoment: method(
    z.object({ path: z.string().min(1).max(4096), time: z.number().min(0) }),
    z.object({ caption: z.string(), time: z.number() }),
    'A caption of a video\'s frame at `time` seconds (not kept: the video\'s own caption is unchanged).',
  ),
};
