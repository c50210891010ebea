// A person's first run with their own photos, end to end: a fresh HOME with no models installed, the real
// `photobind serve` (default library, real models' names), a local Hub (main/core/models/local-hub.test-support.ts)
// serving the bundled toy CLIP's files under the real search model's name on a slow line, real Chromium.
// Add ../shared/testdata/real-photos → thumbnails in the grid → the app offers the search model (size,
// licence, languages) → Download shows bytes, rate and time left; Pause; quit the app; start it again;
// Resume finishes the download → the photos are embedded by themselves → search answers.
// Screenshots of each step in e2e/artifacts/first-run-*.png.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { asHubRepo, clipFixture, startLocalHub, type LocalHub } from '../main/core/models/local-hub.test-support.ts';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const REAL_PHOTOS = path.join(REPO_ROOT, '..', 'shared', 'testdata', 'real-photos');
const SEARCH = 'Xenova/clip-vit-base-patch32';
/** Slow enough to watch the progress and pause it (the toy CLIP's files are about 3.6 MB). */
const LINE_BYTES_PER_SECOND = 400_000;

let home: string;
let hub: LocalHub;
let server: PhotobindServer;
let page: Page;
let env: Record<string, string>;

// Indexing ~50 real photos (some 12 MP) twice — listed, then embedded — takes minutes on 2 shared cores.
test.describe.configure({ mode: 'serial', timeout: 600_000 });

const tiles = () => page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
const searchModel = () => page.getByTestId('missing-models').locator(`article[data-model-id="${SEARCH}"]`);

async function shot(name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(ARTIFACTS, `first-run-${name}.png`) });
}

async function startServer(): Promise<void> {
  // No --library and no --models: the per-user library of this HOME, on the default (real) models.
  server = await startPhotobindServer({ demoCount: 12, models: null, libraryDir: null, env });
  await page.goto(server.url);
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  const fixture = await clipFixture();
  test.skip(!(await fs.stat(REAL_PHOTOS).catch(() => null)), `${REAL_PHOTOS} is absent (../shared/testdata/real-photos); skipping the first-run story`);
  test.skip(!fixture.real, 'the bundled toy CLIP (models/toy/toy-clip) is incomplete; the local Hub has no loadable model to serve');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-first-run-'));
  hub = await startLocalHub({ [SEARCH]: asHubRepo(fixture, SEARCH, ['q8']) });
  hub.throttle(LINE_BYTES_PER_SECOND);
  env = {
    HOME: home,
    USERPROFILE: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    PHOTOBIND_LIBRARY: '',
    PHOTOBIND_HUB_URL: hub.url,
  };
  page = await browser.newPage({ colorScheme: 'light', viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await startServer();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await hub?.close();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

test('a fresh HOME: adding a folder of real photos shows their thumbnails before any model is installed', async () => {
  await expect(page.getByRole('heading', { name: 'Find any photo by describing it' })).toBeVisible();
  expect(server.library).toBe(path.join(home, '.local', 'share', 'photobind', 'library'));
  // The welcome says that searching your own photos needs a model, before anything is added.
  await expect(page.getByTestId('first-run-model-note')).toContainText('154 MB, MIT licence');
  await shot('01-welcome');
  await page.getByRole('button', { name: /Add a folder/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a folder' });
  await dialog.getByLabel('Folder').fill(REAL_PHOTOS);
  const added = Date.now();
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  await expect(dialog).toHaveCount(0);
  // The first thumbnail drawn (its image decoded), not just a tile's frame.
  // (Generous: on 2 shared cores a first batch of real photos is slow; the time is printed, not asserted.)
  const firstImage = tiles().first().locator('img');
  await expect(firstImage).toBeVisible({ timeout: 300_000 });
  await expect.poll(() => firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  console.log(`first-run: first thumbnail drawn ${((Date.now() - added) / 1000).toFixed(1)} s after "Add folder" (not asserted)`);
  // The first rows are committed at once (2 photos), the rest follow as they are read.
  await expect.poll(() => tiles().count(), { timeout: 240_000 }).toBeGreaterThan(3);
  await shot('02-thumbnails-before-models');
});

test('the app offers the missing search model with its size, licence and languages', async () => {
  const banner = page.getByTestId('missing-models');
  await expect(banner).toContainText('Search needs its model');
  const row = searchModel();
  await expect(row).toHaveAttribute('data-model-state', 'missing');
  await expect(row).toContainText('154 MB download');
  await expect(row).toContainText('MIT licence');
  await expect(row).toContainText('English');
  await expect(row.getByRole('button', { name: 'Download' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Import a folder…' })).toBeVisible();
  // The photos wait for it: the pipeline says so.
  await expect(page.locator('[data-stage="embed"]')).toContainText('waiting');
  await shot('03-offers-search-model');
});

test('Download shows bytes, rate and time left; Pause keeps what arrived', async () => {
  const row = searchModel();
  await row.getByRole('button', { name: 'Download' }).click();
  await expect(row).toHaveAttribute('data-model-state', 'downloading');
  const progress = row.getByTestId('download-progress');
  // "1.2 MB of 3.6 MB · 390.6 KB/s · about 6 s left"
  await expect(progress).toHaveText(/^[\d.]+ (B|KB|MB) of [\d.]+ MB · [\d.]+ (B|KB|MB)\/s · (about \d+ s left|less than a second left)$/);
  console.log(`first-run: progress line "${await progress.textContent()}"`);
  await shot('04-downloading');
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toHaveAttribute('data-model-state', 'paused');
  await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(progress).toContainText('paused; Resume continues from here');
  await shot('05-paused');
});

test('after quitting and starting the app again, Resume finishes the download; the photos are embedded by themselves and search works', async () => {
  await server.stop();
  const requestsBefore = hub.requests.length;
  await startServer();
  const row = searchModel();
  // Nothing downloads by itself after a restart; what arrived is kept and offered for resuming.
  await expect(row).toHaveAttribute('data-model-state', 'paused');
  await expect(row.getByTestId('model-state')).toHaveText(/^\s*Paused · [\d.]+ (KB|MB) downloaded$/);
  console.log(`first-run: after the restart the row says "${(await row.getByTestId('model-state').textContent())?.trim()}"`);
  await shot('06-paused-after-restart');
  hub.throttle(LINE_BYTES_PER_SECOND * 4);
  await row.getByRole('button', { name: 'Resume' }).click();
  // Installed: the row leaves the banner (it lists only missing models), and Settings lists it as installed.
  await expect(row).toHaveCount(0, { timeout: 60_000 });
  // The resumed download asked the Hub for the rest of a file, not all of it again.
  expect(hub.requests.slice(requestsBefore).some((r) => r.range !== null && r.range !== 'bytes=0-'), JSON.stringify(hub.requests.slice(requestsBefore))).toBe(true);
  await expect(page.getByTestId('missing-models')).not.toContainText('Search needs its model');
  // The photos that waited are embedded with no click: the pipeline's search stage empties.
  await expect(page.locator('[data-stage="embed"]')).toHaveCount(0, { timeout: 400_000 });
  await shot('07-embedded-by-themselves');

  const search = page.getByRole('searchbox', { name: 'Search photos' });
  await search.fill('a waterfall');
  await expect(page.getByTestId('result-count')).toContainText('a waterfall');
  await expect(page.getByRole('alert').filter({ hasText: /not available|not installed/ })).toHaveCount(0);
  const weaker = page.getByTestId('show-weaker');
  if ((await tiles().count()) === 0 && (await weaker.count()) > 0) await weaker.click();
  await expect(tiles().first()).toBeVisible();
  await shot('08-search-works');

  await page.getByRole('button', { name: 'Settings' }).click();
  const catalog = page.getByTestId('model-catalog');
  await expect(catalog.locator(`article[data-model-id="${SEARCH}"]`)).toHaveAttribute('data-model-state', 'installed');
  await expect(catalog.locator('article[data-model-id="photobind/toy-clip"]')).toContainText('demo only');
  await shot('09-settings-models');
});

test('Import a folder: a wrong folder is refused with a sentence; a model folder is checked, copied and listed as imported', async () => {
  await page.keyboard.press('Escape');
  const ask = page.getByTestId('missing-models').locator('article[data-model-id="onnx-community/nanoLLaVA-1.5"]');
  await ask.getByRole('button', { name: 'Import a folder…' }).click();
  const field = ask.getByLabel(/Folder holding onnx-community\/nanoLLaVA-1\.5/);
  // A folder of photos is not a model folder: the reason, in place.
  await field.fill(REAL_PHOTOS);
  await ask.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('missing-models').getByRole('alert')).toContainText('has no config.json');
  await shot('10-import-refused');
  // Its bundled tiny twin has the same layout (the README tour serves it under this name too).
  await field.fill(path.join(REPO_ROOT, 'models', 'toy', 'toy-vqa'));
  await ask.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(ask).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  const imported = page.getByTestId('model-catalog').locator('article[data-model-id="onnx-community/nanoLLaVA-1.5"]');
  await expect(imported).toHaveAttribute('data-model-state', 'installed');
  await expect(imported).toContainText('Installed (imported)');
  await imported.scrollIntoViewIfNeeded();
  await shot('11-imported');
});
