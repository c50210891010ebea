// API handlers of the models domain: the catalog with each model's state, downloads the app starts, pauses,
// resumes and cancels (the same verified, resumable downloader as `photobind models pull`, honouring
// $PHOTOBIND_HUB_URL), and importing a model folder. When a model the library needs arrives, the work that
// waited for it (indexing the library's folders) starts by itself.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../common/api/api-error.ts';
import type { ModelDownloadState, ModelInfo, PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import { ModelDownloadError } from '../models/hub-download.repository.ts';
import { ModelCacheRepository } from '../models/model-cache.repository.ts';
import { MODELS, getModelEntry } from '../models/model-catalog.ts';
import { ModelInstallService, type ModelStatus } from '../models/model-install.service.ts';
import type { LibrarySession } from './library-session.ts';

/** Progress goes out at most this often per download. */
const PROGRESS_MS = 250;

/** The downloads of one library session (one per model at a time). */
class ModelDownloads {
  readonly states = new Map<string, ModelDownloadState>();
  private readonly running = new Map<string, { abort: AbortController; discard: boolean; done: Promise<void> }>();

  constructor(private readonly session: LibrarySession) {}

  async installs(): Promise<ModelInstallService> {
    return new ModelInstallService(new ModelCacheRepository((await this.session.core()).layout.models));
  }

  start(id: string): ModelDownloadState {
    const entry = MODELS[id];
    if (!entry) throw new ApiError('not-found', `There is no model "${id}" in Photobind's catalog.`);
    if (entry.source.kind === 'bundled') throw new ApiError('invalid-input', `${id} comes with Photobind; there is nothing to download.`);
    const current = this.states.get(id);
    if (current && this.running.has(id)) return current;
    const abort = new AbortController();
    const run = { abort, discard: false, done: Promise.resolve() };
    let lastEmit = 0;
    const publish = (state: ModelDownloadState, force = false) => {
      this.states.set(id, state);
      if (!force && Date.now() - lastEmit < PROGRESS_MS) return;
      lastEmit = Date.now();
      this.session.events.emit('onDidModelDownloadProgress', state);
    };
    const base: ModelDownloadState = { id, state: 'downloading', file: null, loadedBytes: current?.loadedBytes ?? 0, totalBytes: current?.totalBytes ?? null, rate: 0, etaSeconds: null, error: null };
    publish(base, true);
    run.done = (async () => {
      const installs = await this.installs();
      try {
        // pull checks the free disk space first, resumes a partial download and verifies sizes and sha256.
        await installs.pull(id, {
          signal: abort.signal,
          onProgress: (p) => publish({ ...base, file: p.file, loadedBytes: p.loadedBytes, totalBytes: p.totalBytes, rate: p.rate, etaSeconds: p.etaSeconds }),
        });
        const last = this.states.get(id) ?? base;
        publish({ ...last, state: 'done', rate: 0, etaSeconds: 0, loadedBytes: last.totalBytes ?? last.loadedBytes }, true);
        await this.session.modelInstalled(id);
      } catch (error) {
        const last = this.states.get(id) ?? base;
        if (abort.signal.aborted) {
          if (run.discard) await fs.rm(installs.cache.stagingOf(id), { recursive: true, force: true });
          publish({ ...last, state: run.discard ? 'cancelled' : 'paused', rate: 0, etaSeconds: null, loadedBytes: run.discard ? 0 : last.loadedBytes }, true);
        } else {
          const cause = error instanceof Error && error.cause instanceof ModelDownloadError ? error.cause : error;
          publish({ ...last, state: 'failed', rate: 0, etaSeconds: null, error: (cause instanceof Error ? cause.message : String(cause)) || 'The download failed.' }, true);
        }
      } finally {
        this.running.delete(id);
      }
    })();
    this.running.set(id, run);
    return this.states.get(id)!;
  }

  async stop(id: string, discard: boolean): Promise<ModelDownloadState> {
    getModelEntry(id);
    const run = this.running.get(id);
    if (run) {
      run.discard = discard;
      run.abort.abort();
      await run.done;
    } else if (discard) {
      await fs.rm((await this.installs()).cache.stagingOf(id), { recursive: true, force: true });
      const last = this.states.get(id);
      this.states.set(id, { id, state: 'cancelled', file: null, loadedBytes: 0, totalBytes: last?.totalBytes ?? null, rate: 0, etaSeconds: null, error: null });
    }
    return this.states.get(id) ?? { id, state: discard ? 'cancelled' : 'paused', file: null, loadedBytes: 0, totalBytes: null, rate: 0, etaSeconds: null, error: null };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, false)));
  }
}

const downloadsOf = new WeakMap<LibrarySession, ModelDownloads>();

/** The session's downloads (one set shared by every window); paused when the session closes. */
export function modelDownloads(session: LibrarySession): ModelDownloads {
  let downloads = downloadsOf.get(session);
  if (!downloads) {
    const created = new ModelDownloads(session);
    session.onClose(() => created.stopAll());
    downloadsOf.set(session, created);
    downloads = created;
  }
  return downloads;
}

async function info(session: LibrarySession, status: ModelStatus, downloads: ModelDownloads): Promise<ModelInfo> {
  const set = (await session.core()).modelSet;
  return {
    id: status.id,
    task: status.task,
    licence: status.licence,
    languages: status.languages,
    sets: status.sets,
    neededByLibrary: [set.clip, set.caption, set.ask].includes(status.id),
    kind: status.kind,
    installed: status.installed,
    origin: status.origin,
    bytesOnDisk: status.bytesOnDisk,
    partialBytes: status.partialBytes,
    downloadMb: status.downloadMb,
    demoOnly: MODELS[status.id]?.demoOnly === true,
    download: downloads.states.get(status.id) ?? null,
  };
}

export function modelsHandlers(session: LibrarySession): PhotobindHandlers['models'] {
  const downloads = modelDownloads(session);
  return {
    async list() {
      const installs = await downloads.installs();
      return { models: await Promise.all((await installs.list()).map((status) => info(session, status, downloads))) };
    },

    download: ({ id }) => Promise.resolve({ download: downloads.start(id) }),

    pause: async ({ id }) => ({ download: await downloads.stop(id, false) }),

    cancel: async ({ id }) => ({ download: await downloads.stop(id, true) }),

    async importFolder({ path: entered, as }) {
      // `~` is the home folder, as in the Add-folder dialog.
      const typed = entered === '~' || /^~[\\/]/.test(entered) ? path.join(os.homedir(), entered.slice(1)) : entered;
      if (!path.isAbsolute(typed)) throw new ApiError('bad-folder', `"${typed}" is not a full path; give the whole path of the model's folder.`);
      const installs = await downloads.installs();
      let result;
      try {
        result = await installs.importFolder(typed, as ? { as } : {});
      } catch (error) {
        throw new ApiError('bad-folder', (error as Error).message);
      }
      await session.modelInstalled(result.id);
      return { model: await info(session, await installs.status(result.id), downloads) };
    },
  };
}
