// Where a model stands in the app's words: installed, downloading, paused (also a download an earlier run of
// Photobind left on disk), failed, missing — what the Settings list and the missing-models banner show.
import { describe, expect, it } from 'vitest';
import type { ModelDownloadState, ModelInfo } from '$common/api/photobind.contract.ts';
import { modelStateOf } from './models.svelte.ts';

const missing: ModelInfo = {
  id: 'Xenova/clip-vit-base-patch32', task: 'clip', licence: 'MIT', languages: ['en'], sets: ['default'], neededByLibrary: true,
  kind: 'hub', installed: false, origin: null, bytesOnDisk: null, partialBytes: 0, downloadMb: 154, demoOnly: false, download: null,
};
const download = (state: ModelDownloadState['state'], loadedBytes = 1000): ModelDownloadState => ({
  id: missing.id, state, file: 'onnx/vision_model_quantized.onnx', loadedBytes, totalBytes: 4000, rate: 0, etaSeconds: null, error: state === 'failed' ? 'The disk is full.' : null,
});

describe('modelStateOf', () => {
  it('says missing, downloading, paused, failed and installed', () => {
    expect(modelStateOf(missing)).toBe('missing');
    expect(modelStateOf({ ...missing, download: download('downloading') })).toBe('downloading');
    expect(modelStateOf({ ...missing, download: download('paused'), partialBytes: 1000 })).toBe('paused');
    expect(modelStateOf({ ...missing, download: download('failed') })).toBe('failed');
    expect(modelStateOf({ ...missing, installed: true, origin: 'download', bytesOnDisk: 4000, download: download('done', 4000) })).toBe('installed');
  });

  it('offers to resume what a download left before Photobind was quit (no download in this run, bytes on disk)', () => {
    expect(modelStateOf({ ...missing, partialBytes: 1_200_000 })).toBe('paused');
  });

  it('a cancelled download leaves a missing model', () => {
    expect(modelStateOf({ ...missing, download: download('cancelled', 0) })).toBe('missing');
  });
});
