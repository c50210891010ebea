// People in the app, end to end: a library of real faces (shared test photos) grouped with the real face
// model, served by the real `photobind serve`, in real Chromium: the People view, naming, the person chip, face boxes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const TESTDATA = path.resolve(REPO_ROOT, '../shared/testdata');
const FACES = path.join(TESTDATA, 'faces');
const CURIE = path.join(TESTDATA, 'real-photos/immich-test-assets/metadata/faces/portrait-orientation-6.jpg');
const present = await fs.access(path.join(FACES, 'README.md')).then(() => fs.access(CURIE).then(() => true), () => false).catch(() => false);

let server: PhotobindServer;
let page: Page;
let scratch: string;
const tiles = () => page.getByRole('listbox', { name: 'Photos' }).getByRole('option');

test.describe.configure({ mode: 'serial' });
test.skip(!present, 'skipped: ../shared/testdata/faces and real-photos (the shared face test photos) are not present next to this checkout');

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(600_000);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-e2e-people-'));
  const album = path.join(scratch, 'album');
  const library = path.join(scratch, 'library');
  await fs.mkdir(album);
  for (const name of ['obama-1.jpg', 'obama-2.jpg', 'biden-1.jpg', 'two-people.jpg']) await fs.copyFile(path.join(FACES, name), path.join(album, name));
  await fs.copyFile(CURIE, path.join(album, 'curie.jpg'));
  // Index and switch face grouping on with the CLI, as a person could before opening the app.
  const cli = (...args: string[]) => execFileSync(process.execPath, ['bin/photobind.js', ...args, '--library', library], { cwd: REPO_ROOT, stdio: 'pipe' });
  cli('index', album, '--models', 'toy');
  cli('people', 'on');
  server = await startPhotobindServer({ demoCount: 1, libraryDir: library });
  page = await browser.newPage({ colorScheme: 'light' });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

test('the People view shows each person with a face, named from XMP or by hand', async () => {
  await page.goto(server.url);
  await expect(tiles().first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'People' }).click();
  const dialog = page.getByRole('dialog', { name: 'People' });
  const people = dialog.getByRole('list', { name: 'People' }).getByRole('listitem');
  // Obama (3 photos), Biden (2), and the Curies, named by the photo's own XMP face regions.
  await expect(people).toHaveCount(4, { timeout: 120_000 });
  await expect(dialog.getByRole('button', { name: 'Marie Curie', exact: true })).toBeVisible();
  await expect(dialog.getByText('3 photos')).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'people-01-view.png') });

  const obama = people.filter({ hasText: '3 photos' });
  await obama.getByRole('button', { name: 'Unnamed', exact: true }).click();
  await obama.getByRole('textbox', { name: 'Name' }).fill('Barack Obama');
  await obama.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('button', { name: 'Barack Obama', exact: true })).toBeVisible();
});

test("a person's face shows their photos with a person chip; the photo view boxes their faces with names", async () => {
  const dialog = page.getByRole('dialog', { name: 'People' });
  await dialog.getByRole('button', { name: 'Show photos of Barack Obama' }).click();
  await expect(page.getByRole('button', { name: 'Person: Barack Obama (remove)' })).toBeVisible();
  await expect(tiles()).toHaveCount(3);

  await page.locator('[data-file="two-people.jpg"]').click();
  const viewer = page.getByRole('dialog', { name: 'two-people.jpg' });
  await expect(viewer).toBeVisible();
  await expect(viewer.locator('[data-face]')).toHaveCount(2);
  await expect(viewer.getByText('Barack Obama', { exact: true })).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'people-02-face-boxes.png') });
});
