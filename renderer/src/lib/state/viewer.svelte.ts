// Photo view state: the open photo, its caption (generated or typed), the text read in it, and "more like this".
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo, SearchHit } from '$common/photo.types.ts';
import { isVideoFormat } from '$common/video-formats.ts';
import type { TextLineDto } from '$common/api/contract/photos.contract.ts';
import { messageOf } from './errors.ts';
import type { GalleryState } from './gallery.svelte.ts';

export type CaptionStatus = 'idle' | 'generating' | 'saving' | 'error';

export class ViewerState {
  private readonly api: PhotobindClient;
  private readonly gallery: GalleryState;
  private readonly captionAvailable: () => boolean;
  /** The query the current search results answer ('' when the grid shows the library). */
  private readonly queryText: () => string;
  photo = $state.raw<Photo | null>(null);
  captionStatus = $state<CaptionStatus>('idle');
  captionError = $state<string | null>(null);
  similar = $state.raw<SearchHit[]>([]);
  similarError = $state<string | null>(null);
  /** For a video opened from a search: seconds to the moment that matched (it plays from there). */
  momentTime = $state<number | null>(null);
  /** For a video opened from a search: each of its moments scored against the query (timeline marks). */
  moments = $state.raw<Array<{ time: number; score: number }>>([]);
  /** The text read in the open photo (null while loading). */
  text = $state.raw<{ text: string; lines: TextLineDto[]; read: boolean } | null>(null);
  textError = $state<string | null>(null);
  /** Whether the boxes of the read lines are drawn over the photo. */
  showTextBoxes = $state(false);

  readonly caption = $derived(this.photo?.caption ?? null);
  readonly isOpen = $derived(this.photo !== null);

  constructor(api: PhotobindClient, gallery: GalleryState, captionAvailable: () => boolean, queryText: () => string = () => '') {
    this.api = api;
    this.queryText = queryText;
    this.gallery = gallery;
    this.captionAvailable = captionAvailable;
  }

  open(photo: Photo): void {
    this.photo = photo;
    this.captionStatus = 'idle';
    this.captionError = null;
    this.similar = [];
    this.similarError = null;
    this.text = null;
    this.textError = null;
    const index = this.gallery.indexOf(photo);
    if (index >= 0) this.gallery.select(index);
    this.momentTime = index >= 0 ? (this.gallery.timeAt(index) ?? null) : null;
    this.moments = [];
    if (this.momentTime !== null) void this.loadMoments(photo);
    // A video is captioned a moment at a time, on request (the video state's describeMoment).
    if (!photo.caption && !isVideoFormat(photo.format) && this.captionAvailable()) void this.generateCaption();
    void this.loadSimilar();
    void this.loadText();
  }

  toggleTextBoxes(): void {
    this.showTextBoxes = !this.showTextBoxes;
  }

  private async loadText(): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    try {
      const text = await this.api.photos.text({ path: photo.path });
      if (this.photo?.path === photo.path) this.text = text;
    } catch (error) {
      if (this.photo?.path === photo.path) this.textError = messageOf(error);
    }
  }

  openSelected(): void {
    const photo = this.gallery.selected;
    if (photo) this.open(photo);
  }

  close(): void {
    this.photo = null;
  }

  /** Scores the open video's moments against the query that found it, for the marks on its timeline. */
  private async loadMoments(photo: Photo): Promise<void> {
    const text = this.queryText();
    if (!text) return;
    try {
      const { moments } = await this.api.search.moments({ text, contentHash: photo.contentHash });
      if (this.photo?.path === photo.path) this.moments = moments;
    } catch {
      // Marks are a nicety: the video still opens at its best moment without them.
    }
  }

  /** Next or previous photo of the grid, staying in the viewer. */
  step(delta: number): void {
    this.gallery.move(delta, 0);
    const photo = this.gallery.selected;
    if (photo && photo.path !== this.photo?.path) this.open(photo);
  }

  async generateCaption(): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    this.captionStatus = 'generating';
    this.captionError = null;
    try {
      const captioned = (await this.api.photos.generateCaption({ path: photo.path })).photo;
      this.gallery.updatePhoto(captioned);
      if (this.photo?.path === photo.path) {
        this.photo = captioned;
        this.captionStatus = 'idle';
      }
    } catch (error) {
      if (this.photo?.path !== photo.path) return;
      this.captionStatus = 'error';
      this.captionError = messageOf(error);
    }
  }

  async saveCaption(text: string): Promise<boolean> {
    const photo = this.photo;
    if (!photo) return false;
    this.captionStatus = 'saving';
    this.captionError = null;
    try {
      const saved = await this.api.photos.setCaption({ path: photo.path, caption: text });
      this.gallery.updatePhoto(saved.photo);
      if (this.photo?.path === photo.path) this.photo = saved.photo;
      this.captionStatus = 'idle';
      return true;
    } catch (error) {
      this.captionStatus = 'error';
      this.captionError = messageOf(error);
      return false;
    }
  }

  private async loadSimilar(): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    try {
      const { hits } = await this.api.search.similar({ path: photo.path, limit: 13 });
      if (this.photo?.path === photo.path) this.similar = hits.filter((h) => h.photo.path !== photo.path).slice(0, 12);
    } catch (error) {
      if (this.photo?.path === photo.path) this.similarError = messageOf(error);
    }
  }
}
