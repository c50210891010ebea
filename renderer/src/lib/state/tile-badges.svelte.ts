// Grid tiles' badges (a video's duration, a live photo's "Live"), fetched for the tiles on screen in one call
// per batch (video.badges) and kept by content; the library changing (a video measured later) clears them.
import { SvelteMap } from 'svelte/reactivity';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { isVideoFormat } from '$common/video-formats.ts';

export interface TileBadge {
  duration: number | null;
  live: boolean;
}

/** Stills that can be live or motion photos (the core checks; others never ask). */
const MOTION_STILL = /\.(jpe?g|heic|heif)$/i;

/** "0:09", "12:03", "1:02:03": a video's length or a moment's time on a tile. */
export function clockTime(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A tile's accessible words for its kind: "Video, 0:09", "Video", "Live photo", or '' for a plain photo. */
export function tileKindLabel(photo: Photo, badge: TileBadge | undefined): string {
  if (isVideoFormat(photo.format)) return badge?.duration != null ? `Video, ${clockTime(badge.duration)}` : 'Video';
  return badge?.live ? 'Live photo' : '';
}

export class TileBadgesState {
  private readonly api: PhotobindClient;
  private readonly badges = new SvelteMap<string, TileBadge>();
  // Bookkeeping only (what is on its way), never shown: not reactive on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly asked = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly batch = new Set<string>();
  private generation = 0;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onDidChangeLibrary', () => this.clear());
  }

  /** The tile's badge when known; asks for it (batched with the other tiles drawn now) when not. */
  of(photo: Photo | undefined): TileBadge | undefined {
    if (!photo) return undefined;
    const known = this.badges.get(photo.contentHash);
    if (known || this.asked.has(photo.contentHash)) return known;
    if (!isVideoFormat(photo.format) && !MOTION_STILL.test(photo.fileName)) return undefined;
    this.asked.add(photo.contentHash);
    if (this.batch.size === 0) queueMicrotask(() => void this.send());
    this.batch.add(photo.contentHash);
    return undefined;
  }

  clear(): void {
    this.generation++;
    this.asked.clear();
    this.batch.clear();
    this.badges.clear();
  }

  private async send(): Promise<void> {
    const hashes = [...this.batch];
    this.batch.clear();
    if (hashes.length === 0) return;
    const generation = this.generation;
    try {
      const { badges } = await this.api.video.badges({ contentHashes: hashes });
      if (generation !== this.generation) return;
      for (const b of badges) this.badges.set(b.contentHash, { duration: b.duration, live: b.live });
    } catch {
      // A badge is a nicety: the tile stays plain, and the next library change asks again.
    }
  }
}
