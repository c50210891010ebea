// Toy models stay with the demo, end to end: real `photobind serve` on a fresh library with the default
// (real) models, real Chromium. Opening the demo switches the library to the toy models and badges it;
// adding a folder of real photos then asks first, and "Use the real models" leaves the toy models
// behind, so the folder is never embedded or captioned by them. Screenshots in e2e/artifacts/.
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const REAL_ALBUM = path.join(REPO_ROOT, '..', 'shared', 'testdata', 'real-photos', 'immich-test-assets', 'albums', 'text');

let server: PhotobindServer;
let page: Page;
let myPhotos: string;

test.describe.configure({ mode: 'serial' });

async function shot(name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

async function indexingFinished(): Promise<string> {
  const card = page.locator('section[aria-label="Indexing"]');
  await expect(card).toHaveAttribute('data-state', /^(done|failed|cancelled)$/, { timeout: 120_000 });
  return (await card.getAttribute('data-state'))!;
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.skip(!(await fs.stat(REAL_ALBUM).catch(() => null)), `${REAL_ALBUM} is absent (../shared/testdata/real-photos); skipping the real-folder story`);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await startPhotobindServer({ demoCount: 12, models: 'default' });
  myPhotos = path.join(server.scratch, 'My Photos');
  await fs.mkdir(myPhotos);
  for (const name of (await fs.readdir(REAL_ALBUM)).filter((f) => /\.jpe?g$/i.test(f)).slice(0, 4)) await fs.copyFile(path.join(REAL_ALBUM, name), path.join(myPhotos, name));
  page = await browser.newPage({ colorScheme: 'light' });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

test('opening the demo badges the library as using toy demo models', async () => {
  await page.goto(server.url);
  await expect(page.getByTestId('toy-models-badge')).toHaveCount(0);
  await page.getByRole('button', { name: /Open the demo album/ }).click();
  expect(await indexingFinished(), server.log()).toBe('done');
  await expect(page.getByTestId('toy-models-badge')).toBeVisible();
  await shot('demo-models-01-badge');
});

test('adding a real folder asks first; "Use the real models" keeps the toy models away from it', async () => {
  await page.getByRole('button', { name: 'Add a folder' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a folder' });
  await dialog.getByLabel('Folder').fill(myPhotos);
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  const question = dialog.getByTestId('demo-models-question');
  await expect(question).toContainText('toy demo models');
  await shot('demo-models-02-asks-first');
  await question.getByRole('button', { name: 'Use the real models' }).click();
  await expect(dialog).toHaveCount(0);
  // The real search model is not installed here: the photos are listed (stage pipeline), not embedded.
  expect(await indexingFinished(), server.log()).toMatch(/^(done|failed)$/);
  await expect(page.getByTestId('toy-models-badge')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Demo album/ })).toHaveCount(0);
  await shot('demo-models-03-real-models');
  // What the library holds: the default set remembered (so no toy model embeds or captions the folder),
  // and only the user's folder.
  const settings = JSON.parse(await fs.readFile(path.join(server.library, 'settings.json'), 'utf8')) as { modelSet: string; roots: string[] };
  expect(settings.modelSet).toBe('default');
  expect(settings.roots).toEqual([await fs.realpath(myPhotos)]);
  // No caption anywhere: open a listed photo when the grid shows one, and see it has none.
  const tile = page.getByRole('listbox', { name: 'Photos' }).getByRole('option').first();
  await expect(tile).toBeVisible();
  {
    await tile.click();
    // The real caption model is not installed, and the toy captioner is not used for this library.
    await expect(page.getByText(/No caption yet: the caption model \(Xenova\/vit-gpt2-image-captioning\) is not installed/)).toBeVisible();
    await shot('demo-models-04-real-photo-no-toy-caption');
  }
});
