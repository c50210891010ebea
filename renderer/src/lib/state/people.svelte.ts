// People state: whether face grouping is on, the people found (with a face to show), naming and merging, and the faces of the open photo.
import type { Person, PhotobindClient, PhotoFace } from '$common/api/photobind.contract.ts';
import { messageOf } from './errors.ts';

export class PeopleState {
  enabled = $state<boolean | null>(null);
  people = $state.raw<Person[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Faces of the photo open in the viewer. */
  faces = $state.raw<PhotoFace[]>([]);

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
  }

  /** Lists people (photos indexed since the last scan are scanned first, which can take a while). */
  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const result = await this.api.people.list({});
      this.enabled = result.enabled;
      this.people = result.people;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.error = null;
    try {
      this.enabled = (await this.api.people.setEnabled({ enabled })).enabled;
      this.people = [];
      if (enabled) await this.load();
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async rename(id: string, name: string): Promise<boolean> {
    this.error = null;
    try {
      const { person } = await this.api.people.rename({ id, name });
      this.people = this.people.map((p) => (p.id === id ? person : p));
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
  }

  async merge(id: string, other: string): Promise<void> {
    this.error = null;
    try {
      const { person } = await this.api.people.merge({ id, other });
      this.people = this.people.filter((p) => p.id !== other).map((p) => (p.id === id ? person : p));
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Loads the faces of a photo for the viewer's face boxes (none while face grouping is off). */
  async loadFaces(photoPath: string): Promise<void> {
    this.faces = [];
    try {
      const { faces } = await this.api.people.facesOf({ path: photoPath });
      this.faces = faces;
    } catch {
      this.faces = []; // the boxes are an extra: a failure leaves the photo as it is
    }
  }
}
