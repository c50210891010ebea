// API handlers of the video domain: playback mode and preview transcoding, live photos' motion, a moment's caption.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import { PlaybackError } from '../video/video-playback.service.ts';
import { MomentError } from '../video/moment.service.ts';
import { VideoFrameError } from '../video/video-frame.ts';
import type { LibrarySession } from './library-session.ts';
import { libraryPhoto, requireModel } from './photos.handlers.ts';

/** The video module's own errors are sentences for the user: they cross as not-found / invalid-input. */
async function clear<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PlaybackError) throw new ApiError('not-found', error.message);
    if (error instanceof MomentError || error instanceof VideoFrameError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}

export function videoHandlers(session: LibrarySession): PhotobindHandlers['video'] {
  return {
    async playback({ contentHash }) {
      const core = await session.core();
      return clear(() => core.playback.playback(contentHash));
    },

    async preparePreview({ contentHash }) {
      const core = await session.core();
      return clear(() => core.playback.preparePreview(contentHash));
    },

    async motion({ contentHash }) {
      const core = await session.core();
      const motion = await clear(() => core.playback.motion(contentHash));
      return { motion: motion ? { kind: motion.kind } : null };
    },

    async badges({ contentHashes }) {
      const core = await session.core();
      return { badges: await core.mediaBadges.badges(contentHashes) };
    },

    async captionMoment({ path, time }) {
      const core = await session.core();
      const video = await libraryPhoto(core, path);
      await requireModel(core, 'caption');
      const moment = await clear(() => core.moment.caption(video.path, time));
      return { caption: moment.caption, time: moment.time };
    },
  };
}
