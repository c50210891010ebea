// The views people expect of a photo app, end to end in web mode (real `photobind serve`, toy models, real
// Chromium): the timeline with headers, justified rows and the date scrubber; photo links with Back/Forward/
// reload; zoom and pan; the file's own description; "Ask your library" from the header; selection and bulk
// actions; albums, favourites and live albums; phones (390×844); keyboard and axe-core checks. Screenshots
// of each step at 1440×900 and 390×844, light and dark, go to e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { accessible, shot } from './support/screens.ts';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const DESCRIBED = 'pb-12-00001.jpg';
const DESCRIPTION = "Grandma's garden after the rain, written into the file by Lightroom";

let server: PhotobindServer;
let context: BrowserContext;
let page: Page;
let folder: string;
const tiles = () => page.getByRole('listbox', { name: 'Photos' }).getByRole('option');

test.describe.configure({ mode: 'serial' });

function hashOf(file: string): Promise<string> {
  return fs.readFile(file).then((bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 40));
}

function xmp(description: string | null, takenAt: string): string {
  return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:DateTimeOriginal="${takenAt}">
   ${description ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${description}</rdf:li></rdf:Alt></dc:description>` : ''}
  </rdf:Description></rdf:RDF></x:xmpmeta>`;
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await startPhotobindServer({ demoCount: 1 });
  // One folder, three shapes of photo (4:3, tall 2:3, wide 12:5), dates spread over three months.
  folder = path.join(server.scratch, 'Family');
  const render = (seed: number, count: number, width: number, height: number) =>
    execFileSync(process.execPath, ['bin/run-ts.js', 'main/core/toy-world/render-demo.cli.ts', '--out', folder, '--count', String(count), '--seed', String(seed), '--width', String(width), '--height', String(height), '--quiet'], { cwd: REPO_ROOT, stdio: 'ignore' });
  render(11, 12, 320, 240);
  render(12, 5, 200, 300);
  render(13, 4, 480, 200);
  await fs.writeFile(path.join(folder, `${DESCRIBED}.xmp`), xmp(DESCRIPTION, '2024-03-09T10:00:00'));
  await fs.writeFile(path.join(folder, 'pb-13-00002.jpg.xmp'), xmp(null, '2024-01-20T16:30:00'));
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', bypassCSP: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await context?.close();
  await server?.stop();
});

test('the timeline groups photos under month and day headers in rows that keep their shapes', async () => {
  await page.goto(server.url);
  await page.getByRole('button', { name: /Add a folder/ }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a folder' });
  await dialog.getByRole('textbox', { name: 'Folder' }).fill(folder);
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('section[aria-label="Indexing"]')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByRole('heading', { name: /All photos/ })).toContainText('21');
  const grid = page.getByRole('listbox', { name: 'Photos' });
  await expect(grid.getByTestId('month-header').first()).toBeVisible();
  const months = await grid.getByTestId('month-header').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  expect(months.length).toBeGreaterThanOrEqual(2);
  expect([...months].sort().reverse()).toEqual(months); // newest month first
  expect(await grid.getByTestId('day-header').count()).toBeGreaterThanOrEqual(2);
  // Each tile has its photo's own shape: seed 12 rendered tall (2:3), seed 13 wide (12:5), seed 11 at 4:3.
  const shapes = { 'pb-11-': 320 / 240, 'pb-12-': 200 / 300, 'pb-13-': 480 / 200 } as const;
  const seen = new Set<string>();
  for (const top of [0, 1e6]) {
    await grid.evaluate((el, y) => (el.scrollTop = y), top);
    await page.waitForTimeout(300);
    const boxes = await tiles().evaluateAll((els) => els.map((e) => ({ file: e.getAttribute('data-file') ?? '', w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height })));
    for (const box of boxes) {
      const prefix = (Object.keys(shapes) as Array<keyof typeof shapes>).find((p) => box.file.startsWith(p));
      if (!prefix) continue;
      seen.add(prefix);
      expect(box.w / box.h, box.file).toBeCloseTo(shapes[prefix], 1);
    }
  }
  expect(seen.size).toBeGreaterThanOrEqual(2);
  await grid.evaluate((el) => (el.scrollTop = 0));
  await shot(page, '30-timeline', { dark: true });
  // The scrubber jumps to the oldest month.
  const scrubber = page.getByRole('slider', { name: 'Jump to a date' });
  await scrubber.focus();
  await page.keyboard.press('End');
  await expect(scrubber).toHaveAttribute('aria-valuenow', (await scrubber.getAttribute('aria-valuemax'))!);
  const label = (await scrubber.getAttribute('aria-valuetext'))!;
  await expect(grid.getByTestId('month-header').filter({ hasText: label })).toBeInViewport();
  await shot(page, '31-timeline-scrubbed');
  await page.keyboard.press('Home');
  await accessible(page, 'timeline');
});

test('search results sort by "Newest" with the same day headers, and the search has its own address', async () => {
  const search = page.getByRole('searchbox', { name: 'Search photos' });
  await search.fill('a car');
  await expect(page.getByTestId('result-count')).toContainText('a car');
  await expect(page).toHaveURL(/#\/search\?q=a\+car$/);
  await expect(page.getByRole('listbox', { name: 'Photos' }).getByTestId('day-header')).toHaveCount(0);
  // Ordered by relevance: justified rows without headers; a full row ends exactly at the right edge.
  const rights = await tiles().evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  const edge = await page.locator('.canvas').evaluate((el) => el.getBoundingClientRect().right);
  expect(Math.abs(Math.max(...rights) - edge)).toBeLessThanOrEqual(1);
  await page.getByRole('button', { name: 'Newest' }).click();
  await expect(page).toHaveURL(/#\/search\?q=a\+car&sort=date$/);
  await expect(page.getByRole('listbox', { name: 'Photos' }).getByTestId('day-header').first()).toBeVisible();
  await shot(page, '32-search-newest', { dark: true });
  // ArrowDown goes from the search box into the results, with a visible focus ring.
  await search.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox', { name: 'Photos' })).toBeFocused();
  await expect(tiles().and(page.getByRole('option', { selected: true }))).toHaveCount(1);
  const outline = await page.getByRole('listbox', { name: 'Photos' }).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await shot(page, '33-search-keyboard-focus');
  await accessible(page, 'search results');
});

test('a photo has its own address: Back, Forward and reload behave; zoom and pan; its own description', async () => {
  const first = tiles().first();
  const file = (await first.getAttribute('data-file'))!;
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: file });
  await expect(viewer).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/photo/${await hashOf(path.join(folder, file))}$`));
  await page.goBack();
  await expect(viewer).toBeHidden();
  await expect(page).toHaveURL(/#\/search\?q=a\+car&sort=date$/);
  await expect(page.getByTestId('result-count')).toContainText('a car');
  await page.goForward();
  await expect(viewer).toBeVisible();
  await page.reload();
  await expect(page.getByRole('dialog', { name: file })).toBeVisible();

  // Zoom: keyboard, buttons, wheel, double-click; drag pans.
  const stage = page.getByTestId('zoom-stage');
  await page.keyboard.press('+');
  await expect(stage).toHaveAttribute('data-scale', '1.25');
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(stage).toHaveAttribute('data-scale', '1.56');
  await page.keyboard.press('0');
  await expect(stage).toHaveAttribute('data-scale', '1.00');
  const box = (await stage.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => Number(await stage.getAttribute('data-scale'))).toBeGreaterThan(2);
  const before = await page.locator('.face-frame').evaluate((img) => getComputedStyle(img).transform);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  expect(await page.locator('.face-frame').evaluate((img) => getComputedStyle(img).transform)).not.toBe(before);
  await shot(page, '34-photo-zoomed', { dark: true });
  await stage.dblclick();
  await expect(stage).toHaveAttribute('data-scale', '1.00');
  await stage.dblclick();
  await expect(stage).toHaveAttribute('data-scale', '2.50');
  await page.keyboard.press('-');
  await expect(stage).toHaveAttribute('data-scale', '2.00');
  await accessible(page, 'photo view');

  // The photo's own description (from its XMP sidecar), beside the generated caption.
  await page.goto(`${server.origin}/#/photo/${await hashOf(path.join(folder, DESCRIBED))}`);
  const described = page.getByRole('dialog', { name: DESCRIBED });
  await expect(described.getByTestId('embedded-description')).toHaveText(DESCRIPTION);
  await expect(described.getByRole('region', { name: 'Caption' })).toBeVisible(); // the generated caption, beside it
  await expect(described.getByRole('region', { name: 'Caption' })).not.toContainText('Writing a caption', { timeout: 60_000 });
  await shot(page, '35-photo-description', { dark: true });
  await page.keyboard.press('Escape');
  await expect(described).toBeHidden();
  // A link to a photo that is not in the library says so.
  await page.goto(`${server.origin}/#/photo/${'ab'.repeat(20)}`);
  await expect(page.getByRole('alert').filter({ hasText: 'This link could not be opened' })).toBeVisible();
  await page.goto(`${server.origin}/#/`);
});

test('"Ask your library" is in the header on every screen', async () => {
  await page.getByRole('button', { name: 'Ask your library' }).click();
  const panel = page.getByRole('complementary', { name: 'Ask your library' });
  const question = panel.getByRole('textbox', { name: 'Your question about the library' });
  await expect(question).toBeFocused();
  await question.fill('how many photos of cars at night?');
  await question.press('Enter');
  await expect(panel.getByTestId('answer').last()).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
  await expect(panel.getByTestId('answer').last()).toContainText(/\d|no /i);
  await shot(page, '36-ask-library', { dark: true });
  await accessible(page, 'ask panel');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('selection: checkbox, Ctrl-click, Shift-click, select all, Esc; then albums, favourites, copy paths, export', async () => {
  await expect(tiles().first()).toBeVisible();
  const tileAt = (i: number) => tiles().nth(i);
  await tileAt(0).hover();
  await tileAt(0).getByTestId('tile-check').click();
  const bar = page.getByRole('region', { name: 'Selected photos' });
  await expect(bar).toContainText('1 selected');
  await tileAt(2).click({ modifiers: ['ControlOrMeta'] });
  await expect(bar).toContainText('2 selected');
  await tileAt(5).click({ modifiers: ['Shift'] }); // range 2..5 joins 0
  await expect(bar).toContainText('5 selected');
  await tileAt(0).click(); // in selection mode a click toggles
  await expect(bar).toContainText('4 selected');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await shot(page, '37-selection', { dark: true });
  await accessible(page, 'selection');
  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();
  await page.getByRole('listbox', { name: 'Photos' }).focus();
  await page.keyboard.press('ControlOrMeta+a');
  await expect(bar).toContainText('21 selected');
  await page.keyboard.press('Escape');

  // Three photos into a new album, made from the selection.
  for (const i of [1, 3, 4]) await tileAt(i).click({ modifiers: ['ControlOrMeta'] });
  const chosen = await tiles().and(page.locator('[data-checked="true"]')).evaluateAll((els) => els.map((e) => e.getAttribute('data-path')!));
  expect(chosen).toHaveLength(3);
  await page.getByRole('button', { name: 'New album from 3 photos' }).click();
  await page.getByRole('textbox', { name: 'Name of the new album' }).fill('Sunday walk');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('album-title')).toContainText('Sunday walk');
  await expect(page.getByTestId('album-title')).toContainText('3');
  await expect(page).toHaveURL(/#\/album\/[0-9a-z]+$/);
  const albumUrl = page.url();
  await page.reload();
  await expect(page.getByTestId('album-title')).toContainText('Sunday walk');
  expect(page.url()).toBe(albumUrl);
  await shot(page, '38-album', { dark: true });

  // Favourite two, copy their paths, export copies (a file already there is kept).
  await tileAt(0).click({ modifiers: ['ControlOrMeta'] });
  await tileAt(1).click({ modifiers: ['ControlOrMeta'] });
  await expect(bar).toContainText('2 selected');
  const paths = await tiles().and(page.locator('[data-checked="true"]')).evaluateAll((els) => els.map((e) => e.getAttribute('data-path')!));
  await bar.getByRole('button', { name: 'Favourite' }).click();
  await expect(page.getByTestId('selection-message')).toHaveText('Added to favourites');
  await bar.getByRole('button', { name: 'Copy paths' }).click();
  await expect(page.getByTestId('selection-message')).toHaveText('Copied 2 paths');
  expect((await page.evaluate(() => navigator.clipboard.readText())).split('\n').sort()).toEqual([...paths].sort());
  const out = path.join(server.scratch, 'export');
  await fs.mkdir(out);
  await fs.writeFile(path.join(out, path.basename(paths[0]!)), 'mine, keep me');
  await bar.getByRole('button', { name: 'Export copies…' }).click();
  await bar.getByLabel('Copy the selected files into the folder').fill(out);
  await bar.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByTestId('selection-message')).toHaveText(`Copied 2 files to ${out}`);
  await expect(fs.readFile(path.join(out, path.basename(paths[0]!)), 'utf8')).resolves.toBe('mine, keep me');
  const exported = (await fs.readdir(out)).sort();
  expect(exported).toHaveLength(3);
  expect(exported.some((f) => f.includes(' (2).'))).toBe(true);
  await shot(page, '39-export');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /^Favourites/ }).click();
  await expect(page.getByTestId('album-title')).toContainText('Favourites');
  await expect(tiles()).toHaveCount(2);
  await expect(page).toHaveURL(/#\/favourites$/);
  // Nothing was written into the photo folder.
  expect((await fs.readdir(folder)).filter((f) => !f.endsWith('.jpg') && !f.endsWith('.xmp') && f !== 'manifest.jsonl')).toEqual([]);
});

test('a live album is a saved search that fills itself as new photos arrive', async () => {
  await page.getByRole('button', { name: /All photos/ }).click();
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('a bus');
  await expect(page.getByTestId('result-count')).toContainText('a bus');
  await page.getByRole('button', { name: 'Save as a live album' }).click();
  await page.getByRole('textbox', { name: 'Name of the live album' }).fill('Buses');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('album-title')).toContainText('Buses');
  await expect(page.getByTestId('album-title')).toContainText('live');
  const before = await tiles().count();
  // New photos arrive in a new folder: the live album shows them without being touched.
  const more = path.join(server.scratch, 'More');
  execFileSync(process.execPath, ['bin/run-ts.js', 'main/core/toy-world/render-demo.cli.ts', '--out', more, '--count', '30', '--seed', '31', '--quiet'], { cwd: REPO_ROOT, stdio: 'ignore' });
  await page.getByRole('button', { name: /Add a folder/ }).first().click();
  await page.getByRole('dialog', { name: 'Add a folder' }).getByRole('textbox', { name: 'Folder' }).fill(more);
  await page.getByRole('dialog', { name: 'Add a folder' }).getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('section[aria-label="Indexing"]')).toContainText('More');
  await expect(page.locator('section[aria-label="Indexing"]')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await page.getByRole('button', { name: /Buses/ }).click();
  await expect.poll(() => tiles().count()).toBeGreaterThan(before);
  // Exactly what the same search finds now, new photos included.
  const inAlbum = (await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).sort();
  expect(inAlbum.some((p) => p?.includes(`${path.sep}More${path.sep}`))).toBe(true);
  await shot(page, '40-live-album', { dark: true });
  await accessible(page, 'live album');
});

test('remove from library (never from disk) and show in folder, from the selection bar and the photo view', async () => {
  await page.getByRole('button', { name: /All photos/ }).click();
  const heading = page.getByRole('heading', { name: /All photos/ });
  await expect(heading).toContainText('51');
  await expect(tiles().first()).toBeVisible();
  await tiles().nth(0).click({ modifiers: ['ControlOrMeta'] });
  await tiles().nth(1).click({ modifiers: ['ControlOrMeta'] });
  const bar = page.getByRole('region', { name: 'Selected photos' });
  await expect(bar).toContainText('2 selected');
  const chosen = await tiles().and(page.locator('[data-checked="true"]')).evaluateAll((els) => els.map((e) => e.getAttribute('data-path')!));
  // Show in folder: a browser cannot open the file manager, so web mode shows the folders' paths to copy.
  await expect(bar.getByRole('button', { name: 'Show in folder' })).toHaveCount(0);
  await bar.getByRole('button', { name: 'Folder paths…' }).click();
  const folders = [...new Set(chosen.map((p) => path.dirname(p)))];
  await expect(bar.getByRole('group', { name: 'Folder paths' }).getByRole('listitem')).toHaveText(folders);
  await bar.getByRole('button', { name: /^Copy the folder path/ }).click();
  expect((await page.evaluate(() => navigator.clipboard.readText())).split('\n')).toEqual(folders);
  // Remove the two from the library, after a confirmation that says the files stay.
  await bar.getByRole('button', { name: 'Remove from library…' }).click();
  const confirm = bar.getByRole('group', { name: 'Remove from library' });
  await expect(confirm).toContainText('The files stay on disk');
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  const notice = page.getByTestId('removal-notice');
  await expect(notice).toContainText('Removed 2 photos from the library. The files are still on disk.');
  await expect(heading).toContainText('49');
  await expect(bar).toBeHidden();
  for (const file of chosen) await expect(fs.stat(file)).resolves.toBeTruthy();
  const shown = async () => tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
  expect((await shown()).filter((p) => chosen.includes(p!))).toEqual([]);
  await shot(page, '47-removed-undo', { dark: true });
  await accessible(page, 'removed, with undo');
  await notice.getByRole('button', { name: 'Undo' }).click();
  await expect(notice).toContainText('Put back 2 photos.');
  await expect(heading).toContainText('51');
  await notice.getByRole('button', { name: 'Dismiss' }).click();

  // From the photo view: its file section copies the folder path, and removes the photo.
  await tiles().first().click();
  const file = (await tiles().first().getAttribute('data-path'))!;
  const viewer = page.getByRole('dialog', { name: path.basename(file) });
  await expect(viewer).toBeVisible();
  const section = viewer.getByRole('region', { name: 'File' });
  await section.getByRole('button', { name: 'Copy folder path' }).click();
  await expect(section.getByRole('status')).toHaveText('Copied the folder path');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(path.dirname(file));
  await section.getByRole('button', { name: 'Remove from library…' }).click();
  await shot(page, '48-photo-remove-confirm', { dark: true });
  await accessible(page, 'photo view, removing');
  await section.getByRole('group', { name: 'Remove from library' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(viewer).toBeHidden();
  await expect(notice).toContainText('Removed a photo from the library. The file is still on disk.');
  await expect(heading).toContainText('50');
  await expect(fs.stat(file)).resolves.toBeTruthy();
  // The watcher's next pass does not bring it back: the file is touched and a new photo arrives beside it;
  // the new one is listed (the pass ran), the removed one is not.
  const later = new Date(Date.now() + 60_000);
  await fs.utimes(file, later, later);
  await fs.copyFile(chosen[0]!, path.join(path.dirname(file), 'arrived-later.jpg'));
  await expect(heading).toContainText('51', { timeout: 60_000 });
  expect(await shown()).not.toContain(file);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
});

test('the skip link leads to the photos, and focus is visible', async () => {
  await page.goto(`${server.origin}/#/`);
  await page.reload(); // a fresh page: the focus starts at the top
  await expect(tiles().first()).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the photos' });
  await expect(skip).toBeFocused();
  await shot(page, '41-skip-link');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox', { name: 'Photos' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tiles().and(page.getByRole('option', { selected: true }))).toHaveCount(1);
  await shot(page, '42-grid-focus', { dark: true });
});

test('on a phone (390×844): a drawer for the sidebar, no sideways scrolling, photo controls on screen', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: PHONE, colorScheme: 'light', bypassCSP: true, hasTouch: true, isMobile: true });
  const p = await phone.newPage();
  try {
    await p.goto(server.url);
    await expect(p.getByRole('listbox', { name: 'Photos' }).getByRole('option').first()).toBeVisible();
    const noSideways = () => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth);
    expect(await noSideways()).toBe(true);
    await expect(p.getByRole('complementary', { name: 'Library' })).toBeHidden();
    await expect(p.getByRole('searchbox', { name: 'Search photos' })).toBeVisible();
    await shot(p, '43-phone-timeline', { dark: true });
    await accessible(p, 'phone timeline');
    await p.getByRole('button', { name: 'Library and albums' }).click();
    await expect(p.getByRole('complementary', { name: 'Library' })).toBeVisible();
    await shot(p, '44-phone-drawer', { dark: true });
    await accessible(p, 'phone drawer');
    await p.getByRole('button', { name: /Sunday walk/ }).click();
    await expect(p.getByRole('complementary', { name: 'Library' })).toBeHidden();
    await expect(p.getByTestId('album-title')).toContainText('Sunday walk');
    await p.getByRole('listbox', { name: 'Photos' }).getByRole('option').first().click();
    const viewer = p.getByRole('dialog');
    await expect(viewer).toBeVisible();
    for (const name of ['Zoom in', 'Zoom out', 'Fit to screen', 'Previous photo', 'Next photo', 'Close']) {
      const box = (await viewer.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, `${name} on screen: ${JSON.stringify(box)}`).toBe(true);
    }
    expect(await noSideways()).toBe(true);
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await expect(p.getByTestId('zoom-stage')).toHaveAttribute('data-scale', '1.25');
    await shot(p, '45-phone-photo', { dark: true });
    await accessible(p, 'phone photo view');
    await viewer.getByRole('button', { name: 'Close', exact: true }).click();
    await p.getByRole('button', { name: 'Ask your library' }).click();
    await expect(p.getByRole('complementary', { name: 'Ask your library' })).toBeVisible();
    expect(await noSideways()).toBe(true);
    await shot(p, '46-phone-ask');
  } finally {
    await phone.close();
  }
});
