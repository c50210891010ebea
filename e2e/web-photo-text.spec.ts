// The text read in a photo, in web mode: search finds the sign by a word on it; the photo view shows the
// text, copies it, and draws its boxes on the photo. Real `photobind serve`, real Chromium, real reader.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

let server: PhotobindServer;
let page: Page;
let scratch: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-e2e-text-'));
  execFileSync(process.execPath, ['bin/run-ts.js', 'e2e/support/seed-text-library.ts', path.join(scratch, 'library'), path.join(scratch, 'album')], { cwd: REPO_ROOT, stdio: 'inherit' });
  server = await startPhotobindServer({ demoCount: 1, libraryDir: path.join(scratch, 'library') });
  const context = await browser.newContext({ colorScheme: 'light', permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

test('a word of the sign finds it, and its photo view shows, copies and outlines the text', async () => {
  await page.goto(server.url);
  const search = page.getByRole('searchbox').first();
  await search.fill('bread');
  await search.press('Enter');
  const tiles = page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
  await expect(tiles.first()).toBeVisible();
  const section = page.getByTestId('photo-text');
  // The grid may re-render as results settle: click until the photo view is open.
  await expect(async () => {
    await tiles.first().click();
    await expect(section).toBeVisible({ timeout: 3000 });
  }).toPass();
  await expect(section.getByTestId('photo-text-lines')).toHaveText('BAKERY\nFresh bread daily');
  await section.getByRole('button', { name: 'Copy the text' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('BAKERY\nFresh bread daily');
  await expect(page.getByTestId('text-box')).toHaveCount(0);
  await section.getByRole('button', { name: 'Show text boxes' }).click();
  const boxes = page.getByTestId('text-box');
  await expect(boxes).toHaveCount(2);
  // The boxes lie on the photo: inside the image's rectangle, the first above the second.
  const image = (await page.locator('.face-frame img').boundingBox())!;
  const first = (await boxes.nth(0).boundingBox())!;
  const second = (await boxes.nth(1).boundingBox())!;
  for (const box of [first, second]) {
    expect(box.x).toBeGreaterThanOrEqual(image.x - 1);
    expect(box.y).toBeGreaterThanOrEqual(image.y - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(image.x + image.width + 1);
    expect(box.y + box.height).toBeLessThanOrEqual(image.y + image.height + 1);
  }
  expect(first.y).toBeLessThan(second.y);
  await page.screenshot({ path: path.join(ARTIFACTS, 'text-in-photo.png') });
});
