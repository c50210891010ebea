// Settings state: library location, model set, device and which models are installed.
import type { ModelSwitchState, PhotobindClient, SettingsInfo } from '$common/api/photobind.contract.ts';
import { messageOf } from './errors.ts';

export class SettingsState {
  info = $state.raw<SettingsInfo | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);
  /** A search-model switch (re-embedding in the background), its last state until dismissed. */
  modelSwitch = $state.raw<ModelSwitchState | null>(null);

  readonly captionModel = $derived(this.info?.models.find((m) => m.task === 'caption') ?? null);
  readonly askModel = $derived(this.info?.models.find((m) => m.task === 'ask') ?? null);
  readonly searchModel = $derived(this.info?.models.find((m) => m.task === 'clip') ?? null);
  readonly modelSetDescription = $derived(this.info?.modelSets.find((s) => s.name === this.info?.modelSet)?.description ?? '');

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onDidChangeSettings', (info) => this.setInfo(info));
    api.on('onDidModelSwitchProgress', (state) => (this.modelSwitch = state));
  }

  async load(): Promise<void> {
    this.setInfo(await this.api.settings.get({}));
  }

  dismissModelSwitch(): void {
    this.modelSwitch = null;
  }

  private setInfo(info: SettingsInfo): void {
    this.info = info;
    if (info.modelSwitch && info.modelSwitch.state !== 'done') this.modelSwitch = info.modelSwitch;
  }

  async setModelSet(modelSet: string): Promise<void> {
    this.error = null;
    this.saving = true;
    try {
      this.setInfo(await this.api.settings.setModelSet({ modelSet }));
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.saving = false;
    }
  }
}
