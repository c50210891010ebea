// Models on this computer, through the real parts: downloads from a local HTTP server in the Hub's
// layout into a real cache folder, the locator the core uses, imports of a folder, removal, the
// disk-space check (statfs injected to simulate a full disk) and the one-sentence errors.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClipModel } from './inference/clip.inference.ts';
import { InsufficientDiskSpaceError, MANIFEST_FILE, ModelBusyError, ModelCacheRepository } from './model-cache.repository.ts';
import { MODELS, modelFiles } from './model-catalog.ts';
import { ModelInstallService } from './model-install.service.ts';
import { ModelLocatorService, ModelUnavailableError } from './model-locator.service.ts';
import { asHubRepo, clipFixture, closedPortUrl, startLocalHub, TEST_COMMIT, writeFolder, type ClipFixture, type LocalHub } from './local-hub.test-support.ts';

const ID = 'Xenova/clip-vit-base-patch32';
const exists = (file: string) => fs.access(file).then(() => true, () => false);
/** Sentence ends: a full stop, question or exclamation mark followed by a space or the end (not "127.0.0.1"). */
const sentences = (text: string) => text.match(/[.!?](\s|$)/g)?.length ?? 0;

/** The bundled toy CLIP's files when it is there (it may be being rebuilt), else stand-in files. */
const fixture: ClipFixture = await clipFixture();
let tmp: string;
let hub: LocalHub;
let cacheDir: string;
let installs: ModelInstallService;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-models-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  hub = await startLocalHub({ [ID]: asHubRepo(fixture, ID, ['q8', 'fp32']) });
  cacheDir = await fs.mkdtemp(path.join(tmp, 'library-')).then((lib) => path.join(lib, 'models'));
  installs = new ModelInstallService(new ModelCacheRepository(cacheDir), { hubUrl: hub.url, retryDelayMs: 1 });
});
afterEach(async () => hub.close());

describe('pull and locate', () => {
  it('installs atomically with a manifest; the locator finds it with its dtype; a second pull does nothing', async () => {
    const locator = new ModelLocatorService(cacheDir, installs);
    const result = await installs.pull(ID);
    expect(result).toMatchObject({ id: ID, dtype: 'q8', folder: path.join(cacheDir, 'Xenova', 'clip-vit-base-patch32'), commit: TEST_COMMIT, alreadyInstalled: false });
    expect(await exists(installs.cache.stagingOf(ID))).toBe(false);
    const manifest = await installs.cache.readManifest(result.folder);
    expect(manifest).toMatchObject({ id: ID, dtype: 'q8', source: 'hub', repo: ID, revision: 'main', commit: TEST_COMMIT });
    expect(manifest!.files.map((f) => f.file).sort()).toEqual(modelFiles(MODELS[ID]!, 'q8').sort());
    expect(await locator.locateModel(ID, { download: false })).toEqual({ folder: result.folder, dtype: 'q8' });

    const gets = hub.requests.filter((r) => r.method === 'GET').length;
    expect(await installs.pull(ID)).toMatchObject({ alreadyInstalled: true, dtype: 'q8' });
    expect(hub.requests.filter((r) => r.method === 'GET')).toHaveLength(gets);

    const status = await installs.status(ID);
    expect(status).toMatchObject({ installed: true, origin: 'download', dtype: 'q8', partialBytes: 0, sets: ['default'] });
    expect(status.bytesOnDisk).toBeGreaterThan(result.bytes); // the manifest too
  });

  it.skipIf(!fixture.real)('the downloaded folder loads in transformers.js (served from the bundled toy CLIP)', async () => {
    const { folder, dtype } = await new ModelLocatorService(cacheDir, installs).locateModel(ID, { download: true });
    const model = await createClipModel({ folder, dtype, device: 'cpu', threads: 1 });
    const [vector] = await model.embedTexts(['a red car']);
    expect(vector).toHaveLength(model.dimension);
  });

  it('pull --dtype replaces the installed dtype; the locator then reports the new one', async () => {
    await installs.pull(ID);
    const result = await installs.pull(ID, { dtype: 'fp32' });
    expect(result).toMatchObject({ dtype: 'fp32', alreadyInstalled: false });
    const names = (await fs.readdir(path.join(result.folder, 'onnx'))).sort();
    expect(names).toEqual(['text_model.onnx', 'vision_model.onnx']);
    expect(await new ModelLocatorService(cacheDir, installs).locateModel(ID, { download: false })).toMatchObject({ dtype: 'fp32' });
    await expect(installs.pull(ID, { dtype: 'q4' })).rejects.toThrow(/published as fp32, fp16, q8, not q4/);
  });

  it('an interrupted pull leaves a partial download that the next pull resumes', async () => {
    hub.dropConnection('onnx/vision_model_quantized.onnx', 250_000, 3);
    const error = await installs.pull(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/could not be downloaded: The connection dropped during .*; run the command again to resume, import a model folder/);
    expect(sentences((error as Error).message)).toBe(1);
    const status = await installs.status(ID);
    expect(status.installed).toBe(false);
    expect(status.partialBytes).toBeGreaterThan(0);
    await expect(installs.pull(ID)).resolves.toMatchObject({ dtype: 'q8' });
    expect(hub.requests.some((r) => r.path.startsWith('/cdn/') && r.range !== null)).toBe(true);
  });
});

describe('clear failures', () => {
  it('corrupted bytes are never installed, and a clean second pull works', async () => {
    hub.corrupt('onnx/text_model_quantized.onnx');
    const error = await installs.pull(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/did not match the sha256 .* so it was deleted; run the command again to fetch that file afresh, import a model folder/);
    expect(sentences((error as Error).message)).toBe(1);
    expect(await exists(installs.cache.folderOf(ID))).toBe(false);
    await expect(new ModelLocatorService(cacheDir, installs).locate(ID, { download: false })).rejects.toThrow(/not on this computer yet/);
    await hub.close();
    hub = await startLocalHub({ [ID]: asHubRepo(fixture, ID, ['q8', 'fp32']) }); // a server that sends the right bytes
    await expect(new ModelInstallService(installs.cache, { hubUrl: hub.url }).pull(ID)).resolves.toMatchObject({ dtype: 'q8' });
  });

  it('offline: one sentence that names import and --models toy; not downloading: one sentence naming pull too', async () => {
    const offline = new ModelLocatorService(cacheDir, new ModelInstallService(new ModelCacheRepository(cacheDir), { hubUrl: await closedPortUrl() }));
    const error = await offline.locate(ID, { download: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^The search model Xenova\/clip-vit-base-patch32 could not be downloaded: Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); connect to the internet and run the command again, import a model folder with `photobind models import DIR --as Xenova\/clip-vit-base-patch32`, or try the offline demo with `--models toy`\.$/,
    );
    expect(sentences(message)).toBe(1);

    const notHere = await offline.locate(ID, { download: false }).catch((e: unknown) => e);
    expect(notHere).toBeInstanceOf(ModelUnavailableError);
    expect((notHere as Error).message).toMatch(/^The search model .* is not on this computer yet: download it with `photobind models pull Xenova\/clip-vit-base-patch32`, import a model folder with `photobind models import DIR --as .*`, or try the offline demo with `--models toy`\.$/);
    expect(sentences((notHere as Error).message)).toBe(1);
  });

  it('refuses a download that does not fit on the disk before fetching any byte, and installs nothing', async () => {
    const fullDisk = new ModelCacheRepository(cacheDir, () => Promise.resolve({ bavail: 100, bsize: 4096 })); // 400 KB free
    const error = await new ModelInstallService(fullDisk, { hubUrl: hub.url }).pull(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientDiskSpaceError);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/^There is not enough free disk space to download Xenova\/clip-vit-base-patch32 \(q8\): it needs [\d.]+ MB \(and Photobind leaves 67\.1 MB free\) but only 410 KB are free on the disk of .*; free some space, or use a library on another disk with --library, and run the command again\.$/);
    expect(hub.requests.filter((r) => r.method === 'GET')).toEqual([]);
    expect(await exists(fullDisk.stagingOf(ID))).toBe(false);
    expect(await exists(fullDisk.folderOf(ID))).toBe(false);
  });

  it('a model another live process is installing is refused with who holds it', async () => {
    const lockFile = `${installs.cache.folderOf(ID)}.lock`;
    await fs.mkdir(path.dirname(lockFile), { recursive: true });
    await fs.writeFile(lockFile, String(process.ppid));
    await expect(installs.pull(ID)).rejects.toThrow(ModelBusyError);
    await fs.writeFile(lockFile, '999999999'); // a process that is gone: its lock is taken over
    await expect(installs.pull(ID)).resolves.toMatchObject({ dtype: 'q8' });
    expect(await exists(lockFile)).toBe(false);
  });
});

describe('import and remove', () => {
  it('imports a folder named like the model: only the files it needs, atomically; remove deletes it', async () => {
    const source = path.join(tmp, 'usb-stick', 'clip-vit-base-patch32');
    await writeFolder(source, { ...fixture.files, 'README.md': Buffer.from('notes'), 'onnx/model.onnx': Buffer.from('not needed') });
    const result = await installs.importFolder(source);
    expect(result).toMatchObject({ id: ID, dtype: 'fp32', files: 6, from: source });
    const installed = (await fs.readdir(result.folder, { recursive: true })).map(String).sort();
    expect(installed).toEqual([...modelFiles(MODELS[ID]!, 'fp32'), 'onnx', MANIFEST_FILE].sort());
    expect(await installs.cache.readManifest(result.folder)).toMatchObject({ source: 'import', importedFrom: source, dtype: 'fp32' });
    expect(await new ModelLocatorService(cacheDir, installs).locateModel(ID, { download: false })).toEqual({ folder: result.folder, dtype: 'fp32' });
    expect(await installs.status(ID)).toMatchObject({ installed: true, origin: 'import' });

    expect(await installs.remove(ID)).toMatchObject({ id: ID, removed: true });
    expect(await exists(result.folder)).toBe(false);
    await expect(new ModelLocatorService(cacheDir, installs).locate(ID, { download: false })).rejects.toThrow(/not on this computer yet/);
    expect(await installs.remove(ID)).toMatchObject({ removed: false, freedBytes: 0 });
    await expect(installs.remove('photobind/toy-clip')).rejects.toThrow(/bundled with Photobind and cannot be removed/);
  });

  it('refuses folders that are not the model, and installs nothing', async () => {
    const source = path.join(tmp, 'download', 'weights');
    await writeFolder(source, fixture.files);
    await expect(installs.importFolder(source)).rejects.toThrow(/^Could not tell which model .* holds; name it with --as ID/);
    await expect(installs.importFolder(source, { as: 'Xenova/vit-gpt2-image-captioning' })).rejects.toThrow(
      /holds a model of type "clip", but Xenova\/vit-gpt2-image-captioning is a "vision-encoder-decoder" model/,
    );
    await expect(installs.importFolder(path.join(tmp, 'nowhere'), { as: ID })).rejects.toThrow(/does not exist/);

    await fs.rm(path.join(source, 'onnx', 'vision_model.onnx'));
    await expect(installs.importFolder(source, { as: ID })).rejects.toThrow(/lacks files Xenova\/clip-vit-base-patch32 needs: onnx\/text_model_quantized\.onnx, onnx\/vision_model_quantized\.onnx \(the ONNX files of any one published dtype will do: fp32, fp16, q8\)/);

    await fs.writeFile(path.join(source, 'onnx', 'vision_model.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    await expect(installs.importFolder(source, { as: ID })).rejects.toThrow(/is a Git LFS pointer, not the weights; run `git lfs pull`/);

    await fs.rm(path.join(source, 'config.json'));
    await expect(installs.importFolder(source, { as: ID })).rejects.toThrow(/has no config.json, so it is not a model folder/);
    expect(await exists(installs.cache.folderOf(ID))).toBe(false);
  });

  it('checks the free space before copying', async () => {
    const source = path.join(tmp, 'models--Xenova--clip-vit-base-patch32', 'snapshots', 'abc123'); // a Hugging Face cache snapshot
    await writeFolder(source, fixture.files);
    const fullDisk = new ModelInstallService(new ModelCacheRepository(cacheDir, () => Promise.resolve({ bavail: 1n, bsize: 4096n })));
    await expect(fullDisk.importFolder(source)).rejects.toThrow(/^There is not enough free disk space to import Xenova\/clip-vit-base-patch32/);
    await expect(installs.importFolder(source)).resolves.toMatchObject({ id: ID });
  });
});
