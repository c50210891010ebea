// Settings state: library location, model set, device and which models are installed.
import type { PhotobindClient, SettingsInfo } from '$common/api/photobind.contract.ts';
import { messageOf } from './errors.ts';

export class SettingsState {
  info = $state.raw<SettingsInfo | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);

  readonly captionModel = $derived(this.info?.models.find((m) => m.task === 'caption') ?? null);
  readonly askModel = $derived(this.info?.models.find((m) => m.task === 'ask') ?? null);
  readonly searchModel = $derived(this.info?.models.find((m) => m.task === 'clip') ?? null);
  readonly modelSetDescription = $derived(this.info?.modelSets.find((s) => s.name === this.info?.modelSet)?.description ?? '');

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onDidChangeSettings', (info) => (this.info = info));
  }

  async load(): Promise<void> {
    this.info = await this.api.settings.get({});
  }

  async setModelSet(modelSet: string): Promise<void> {
    this.error = null;
    this.saving = true;
    try {
      this.info = await this.api.settings.setModelSet({ modelSet });
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.saving = false;
    }
  }
}
