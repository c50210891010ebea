// Captions and questions about a moment of a video: the frame at that time, taken with ffmpeg, goes through the photo caption and ask paths.
import type { Photo } from '../../../common/photo.types.ts';
import type { AskOptions } from '../ask/ask.service.ts';
import { isVideoFormat } from './video-format.ts';
import type { VideoPlaybackService } from './video-playback.service.ts';

/** A moment asked about a file that is not a library video (or a time it does not have). */
export class MomentError extends Error {
  override readonly name = 'MomentError';
}

export interface MomentPorts {
  /** The library item at a path (as typed or with its links resolved), or null. */
  item(videoPath: string): Promise<Photo | null>;
  /** The caption model on one image file. */
  caption(imagePath: string): Promise<string>;
  /** The ask path on one image file, its conversation kept under `frame.key`. */
  ask(videoPath: string, question: string, options: AskOptions & { frame: { file: string; key: string } }): Promise<string>;
  /** The conversation kept under a key (the chat about one moment). */
  clear(videoPath: string, frame: { file: string; key: string }): Promise<void>;
}

export class MomentService {
  constructor(
    private readonly playback: VideoPlaybackService,
    private readonly ports: MomentPorts,
  ) {}

  /** The library video at `videoPath` and its frame at `time` seconds (a PNG in the library's cache). */
  async frame(videoPath: string, time: number): Promise<{ video: Photo; file: string; key: string }> {
    const video = await this.ports.item(videoPath);
    if (!video) throw new MomentError(`${videoPath} is not in this library; index its folder first (photobind index FOLDER).`);
    if (!isVideoFormat(video.format)) throw new MomentError(`${videoPath} is a photo, not a video: --time picks a moment of a video.`);
    const file = await this.playback.frameAt(video.path, video.contentHash, time);
    // A video keeps one conversation (as a photo does); each question in it is about the frame at its time.
    return { video, file, key: video.contentHash };
  }

  /** A caption of the frame at `time` (not kept: the video's own caption is unchanged). */
  async caption(videoPath: string, time: number): Promise<{ video: Photo; time: number; caption: string }> {
    const { video, file } = await this.frame(videoPath, time);
    return { video, time, caption: (await this.ports.caption(file)).trim() };
  }

  /** One turn of the video's chat, about the frame at `time`. */
  async ask(videoPath: string, time: number, question: string, options: AskOptions = {}): Promise<string> {
    const { video, file, key } = await this.frame(videoPath, time);
    return this.ports.ask(video.path, question, { ...options, frame: { file, key } });
  }

  /** Forgets the video's conversation. */
  async clearConversation(videoPath: string, time: number): Promise<void> {
    const { video, file, key } = await this.frame(videoPath, time);
    await this.ports.clear(video.path, { file, key });
  }
}
