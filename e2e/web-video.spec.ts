// Videos in the app, in web mode: a search for a toy video's second scene opens the video at that moment with the
// matching moments marked (clickable) on its timeline; an HEVC video plays from a preview transcoded on demand, with
// progress and a note; a live photo is one still with a Live badge that plays its motion. Real `photobind serve`,
// real Chromium, toy models, the bundled ffmpeg.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';
import type { SeededVideoLibrary } from './support/seed-video-library.ts';

/** The sampler's longest gap between moments (main/core/video/frame-sampler.ts, DEFAULT_MAX_INTERVAL). */
const SAMPLING_INTERVAL = 2;

let server: PhotobindServer;
let page: Page;
let scratch: string;
let seeded: SeededVideoLibrary;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(300_000);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-e2e-video-'));
  const out = execFileSync(process.execPath, ['bin/run-ts.js', 'e2e/support/seed-video-library.ts', path.join(scratch, 'library'), path.join(scratch, 'album')], { cwd: REPO_ROOT, encoding: 'utf8' });
  seeded = JSON.parse(out.trim().split('\n').at(-1)!) as SeededVideoLibrary;
  server = await startPhotobindServer({ demoCount: 1, libraryDir: path.join(scratch, 'library') });
  const context = await browser.newContext({ colorScheme: 'light' });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

/** Opens a library item's photo view by its address (#/photo/<hash>) in the running app. */
async function openPhoto(hash: string): Promise<void> {
  await page.evaluate((address) => (location.hash = address), `#/photo/${hash}`);
}

/** The video element's state in the page. */
function videoState(selector = 'video') {
  return page.locator(selector).first().evaluate((v: HTMLVideoElement) => ({ time: v.currentTime, duration: v.duration, ready: v.readyState, error: v.error?.code ?? null, src: v.currentSrc }));
}

test('searching a toy video\'s second scene opens the video at that moment, with its moments marked', async () => {
  const second = seeded.toy.scenes[1]!;
  await page.goto(server.url);
  const tiles = page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
  await expect(tiles.first()).toBeVisible();
  const search = page.getByRole('searchbox').first();
  await search.fill(second.caption);
  await search.press('Enter');
  // The video is the search's best match (its second scene's moment).
  await expect(tiles.first()).toHaveAttribute('data-file', path.basename(seeded.toy.file), { timeout: 90_000 });
  // The tile says it is a video, how long, and the matching moment's time (in its label and on the thumbnail).
  await expect(tiles.first()).toHaveAttribute('data-kind', 'video');
  await expect(tiles.first()).toHaveAttribute('aria-label', /^Video, \d+:\d\d, moment at \d+:\d\d: /);
  await expect(tiles.first().getByTestId('tile-video')).toHaveText(/^at \d+:\d\d$/);
  const tileMoment = /moment at (\d+):(\d\d)/.exec((await tiles.first().getAttribute('aria-label'))!)!;
  const tileSeconds = Number(tileMoment[1]) * 60 + Number(tileMoment[2]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'video-search-results.png') });
  const stage = page.getByTestId('video-stage');
  await expect(async () => {
    await tiles.first().click();
    await expect(stage).toBeVisible({ timeout: 3000 });
  }).toPass();
  await expect(page.getByRole('dialog').getByRole('heading', { name: path.basename(seeded.toy.file) })).toBeVisible();
  const video = stage.locator('video');
  await expect(video).toBeVisible();
  // The player starts at the best moment: inside the second scene, within one sampling interval of its start.
  await expect.poll(async () => (await videoState()).ready, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  const startAt = Number(await video.getAttribute('data-start-at'));
  expect(startAt).toBeGreaterThanOrEqual(second.start);
  expect(startAt - second.start).toBeLessThanOrEqual(SAMPLING_INTERVAL);
  await expect.poll(async () => (await videoState()).time).toBeCloseTo(startAt, 0);
  const opened = await videoState();
  expect(opened.error).toBeNull();
  expect(opened.time).toBeGreaterThanOrEqual(second.start);
  expect(opened.time).toBeLessThan(second.end);
  // The tile's moment is the one the player opened at (rounded to the second).
  expect(Math.abs(tileSeconds - startAt)).toBeLessThanOrEqual(1);
  // The matching moments are marked on the timeline; the best one is where the player opened.
  const marks = page.getByTestId('moment-marks').getByRole('button');
  await expect(marks.first()).toBeVisible();
  await expect(page.getByTestId('moment-marks').locator('.mark.best')).toHaveCount(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'video-moment.png') });
  // A mark is clickable: it seeks there.
  const count = await marks.count();
  const last = marks.nth(count - 1);
  const label = (await last.getAttribute('aria-label'))!;
  await last.click();
  const [, minutes, seconds] = /(\d+):(\d+)/.exec(label)!;
  await expect.poll(async () => Math.floor((await videoState()).time)).toBeGreaterThanOrEqual(Number(minutes) * 60 + Number(seconds));
  // Describe this moment: the toy caption model on the frame on screen.
  await page.getByRole('button', { name: /Describe this moment/ }).click();
  await expect(page.getByTestId('moment-caption')).toContainText(/^At \d+:\d\d: \w+/);
});

test('an HEVC video plays from a preview transcoded on demand, with progress and a note', async () => {
  await openPhoto(seeded.hevc.hash);
  const stage = page.getByTestId('video-stage');
  await expect(stage).toBeVisible();
  await expect(page.getByTestId('video-note')).toContainText('does not play in this window, so Photobind plays a preview converted to H.264');
  const video = stage.locator('video');
  await expect(video).toBeVisible({ timeout: 60_000 });
  expect(await video.getAttribute('src')).toContain(`/preview/${seeded.hevc.hash}`);
  await expect.poll(async () => (await videoState()).ready, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  const state = await videoState();
  expect(state.error).toBeNull();
  expect(state.duration).toBeCloseTo(3, 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'video-hevc-preview.png') });
});

test('a live photo is one still with a Live badge that plays its motion', async () => {
  await openPhoto(seeded.live.hash);
  await expect(page.getByRole('dialog').getByRole('heading', { name: 'IMG_0001.JPG' })).toBeVisible();
  const badge = page.getByRole('dialog').getByRole('button', { name: 'Live', exact: true });
  await expect(badge).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-photo-still.png') });
  await badge.click();
  const motion = page.getByTestId('live-motion');
  await expect(motion).toBeVisible();
  await expect.poll(async () => (await videoState('[data-testid="live-motion"]')).time, { timeout: 20_000 }).toBeGreaterThan(0.2);
  expect((await videoState('[data-testid="live-motion"]')).src).toContain(`/motion/${seeded.live.hash}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-photo-playing.png') });
  // The paired MOV is not an item of its own: its folder lists the still alone, and the library counts 8 toy
  // photos, 2 videos and the live photo.
  await page.keyboard.press('Escape');
  const search = page.getByRole('searchbox').first();
  await search.fill('');
  await search.press('Enter');
  await expect(page.getByRole('button', { name: 'All photos 11' })).toBeVisible();
  // In the library, a video's tile shows a play icon and its length ("Video, 0:03" for the 3 s HEVC clip);
  // the live photo's tile a small "Live" badge.
  const folders = page.getByRole('combobox').filter({ hasText: 'All folders' });
  await folders.selectOption({ label: 'album/videos' });
  const grid = page.getByRole('listbox', { name: 'Photos' });
  await expect(grid.getByRole('option')).toHaveCount(2);
  const hevcTile = grid.locator(`[data-file="${path.basename(seeded.hevc.file)}"]`);
  await expect(hevcTile).toHaveAttribute('aria-label', new RegExp(`^Video, 0:03: ${path.basename(seeded.hevc.file).replace('.', '\\.')}`));
  await expect(hevcTile.getByTestId('tile-video')).toHaveText('0:03');
  await expect(grid.locator('[data-kind="video"]')).toHaveCount(2);
  await expect(grid.getByTestId('tile-video')).toHaveText([/^\d+:\d\d$/, /^\d+:\d\d$/]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'video-tiles.png') });
  await folders.selectOption({ label: 'album/live' });
  const tiles = grid.getByRole('option');
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAttribute('data-file', 'IMG_0001.JPG');
  await expect(tiles.first()).toHaveAttribute('data-kind', 'live');
  await expect(tiles.first().getByTestId('tile-live')).toHaveText('Live');
  await expect(tiles.first()).toHaveAttribute('aria-label', /^Live photo: IMG_0001\.JPG/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'live-photo-tile.png') });
});
