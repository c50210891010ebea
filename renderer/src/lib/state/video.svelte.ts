// Video state for the photo view: how the open video plays (the file, or a preview being transcoded, with its
// progress), the time on screen (questions and captions act on that frame), and a live photo's motion.
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { isVideoFormat } from '$common/video-formats.ts';
import { messageOf } from './errors.ts';

type Playback = Awaited<ReturnType<PhotobindClient['video']['playback']>>;

/** How often a preview's progress is asked for while it is transcoded. */
const PREVIEW_POLL_MS = 400;

export class VideoState {
  private readonly api: PhotobindClient;
  /** The content the state is about; answers for another (the user moved on) are dropped. */
  private current: string | null = null;
  playback = $state.raw<Playback | null>(null);
  error = $state<string | null>(null);
  /** Seconds into the open video shown on screen (the player reports it as it plays and seeks). */
  currentTime = $state(0);
  /** A caption of the frame at a moment, on request (not kept). */
  momentCaption = $state.raw<{ time: number; caption: string } | null>(null);
  captioning = $state(false);
  /** The open still's motion (live photo or motion photo), or null. */
  motion = $state.raw<{ kind: 'paired' | 'embedded' } | null>(null);

  /** Whether the player can start: the file plays itself, or its preview is ready. */
  readonly playable = $derived(this.playback !== null && (this.playback.mode === 'direct' || this.playback.preview.state === 'ready'));

  constructor(api: PhotobindClient) {
    this.api = api;
  }

  /** A photo view opened on `photo`: a video's playback (starting its preview when it needs one), or a still's motion. */
  async open(photo: Photo, startAt: number | null = null): Promise<void> {
    this.current = photo.contentHash;
    this.playback = null;
    this.error = null;
    this.motion = null;
    this.momentCaption = null;
    this.currentTime = startAt ?? 0;
    try {
      if (!isVideoFormat(photo.format)) {
        const { motion } = await this.api.video.motion({ contentHash: photo.contentHash });
        if (this.current === photo.contentHash) this.motion = motion;
        return;
      }
      let playback = await this.api.video.playback({ contentHash: photo.contentHash });
      if (this.current !== photo.contentHash) return;
      this.playback = playback;
      if (playback.mode === 'preview' && playback.preview.state === 'none') await this.api.video.preparePreview({ contentHash: photo.contentHash });
      while (playback.mode === 'preview' && (playback.preview.state === 'working' || playback.preview.state === 'none')) {
        await new Promise((resolve) => setTimeout(resolve, PREVIEW_POLL_MS));
        if (this.current !== photo.contentHash) return;
        playback = await this.api.video.playback({ contentHash: photo.contentHash });
        if (this.current === photo.contentHash) this.playback = playback;
      }
    } catch (error) {
      if (this.current === photo.contentHash) this.error = messageOf(error);
    }
  }

  /** The view of `contentHash` went away (another view may already have opened: then nothing changes). */
  close(contentHash: string): void {
    if (this.current !== contentHash) return;
    this.current = null;
    this.playback = null;
    this.motion = null;
  }

  /** Captions the frame on screen. */
  async describeMoment(photo: Photo): Promise<void> {
    const time = this.currentTime;
    this.captioning = true;
    this.error = null;
    try {
      const moment = await this.api.video.captionMoment({ path: photo.path, time });
      if (this.current === photo.contentHash) this.momentCaption = moment;
    } catch (error) {
      if (this.current === photo.contentHash) this.error = messageOf(error);
    } finally {
      this.captioning = false;
    }
  }
}
