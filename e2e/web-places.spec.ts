// Places end to end in web mode (real `photobind serve`, toy models, real Chromium): the demo album's GPS
// photos named offline, the Places view's world map with clusters that merge and split with zoom, a cluster
// opening exactly its photos in the grid, the place chip and the photo's place name, keyboard, #/places,
// axe-core. Screenshots at 1440×900 and 390×844, light and dark, go to e2e/artifacts/ (places-*.png).
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { accessible, shot } from './support/screens.ts';
import { ARTIFACTS, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const DEMO_COUNT = 30;

let server: PhotobindServer;
let context: BrowserContext;
let page: Page;
const tiles = () => page.getByRole('listbox', { name: 'Photos' }).getByRole('option');
const clusters = () => page.getByTestId('place-cluster');

interface ManifestEntry {
  file: string;
  place: string;
}

test.describe.configure({ mode: 'serial' });

/** How many demo photos the manifest puts in each toy-world city (GeoNames spells Reykjavík with its accent). */
async function photosByPlace(): Promise<Map<string, string[]>> {
  const text = await fs.readFile(path.join(server.library, 'demo-album', 'manifest.jsonl'), 'utf8');
  const byPlace = new Map<string, string[]>();
  for (const line of text.trim().split('\n')) {
    const entry = JSON.parse(line) as ManifestEntry;
    byPlace.set(entry.place, [...(byPlace.get(entry.place) ?? []), entry.file]);
  }
  return byPlace;
}

const plain = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '');

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await startPhotobindServer({ demoCount: DEMO_COUNT });
  // CSP bypassed only to inject axe-core; the phone test below runs under the app's strict CSP.
  context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', bypassCSP: true });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
});

test.afterAll(async () => {
  await context?.close();
  await server?.stop();
});

test('the Places view clusters the demo photos on an offline world map, named by town and country', async () => {
  await page.goto(server.url);
  await page.getByRole('button', { name: /Open the demo album/ }).click();
  await expect(page.locator('section[aria-label="Indexing"]')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Places', exact: true }).click();
  await expect(page).toHaveURL(/#\/places$/);
  const map = page.getByRole('application', { name: 'World map of your photos' });
  await expect(map).toBeVisible();
  // The countries are drawn from the npm map data (hundreds of shapes), with no request leaving the machine.
  await expect.poll(() => map.locator('path.land').count()).toBeGreaterThan(200);
  await expect(page.getByRole('heading', { name: /Places/ })).toContainText(`${DEMO_COUNT} photos`);

  const byPlace = await photosByPlace();
  // Zoomed in far enough, every toy-world city is its own cluster, labelled "City, Country: N photos".
  const labels = async () => clusters().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const fitted = await labels();
  expect(fitted.length).toBeGreaterThan(0);
  const total = (list: string[]) => list.reduce((sum, label) => sum + Number(/: (\d+) photos?$/.exec(label)?.[1] ?? NaN), 0);
  expect(total(fitted)).toBe(DEMO_COUNT);
  await shot(page, 'places-1-world', { dark: true });

  // Zooming out merges clusters; the world at its smallest has fewer of them than the fitted view.
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
  const zoomedOut = await labels();
  expect(zoomedOut.length).toBeLessThanOrEqual(fitted.length);
  expect(total(zoomedOut)).toBe(DEMO_COUNT);

  // A merged cluster splits when the map zooms in on it (two wheel steps over it, about ×4.5).
  await page.getByRole('button', { name: 'Show all places' }).click();
  const merged = clusters().filter({ has: page.locator('xpath=self::*[contains(@aria-label, " more place")]') }).first();
  const mergedLabel = (await merged.getAttribute('aria-label'))!;
  const mergedCount = Number(/: (\d+) photos$/.exec(mergedLabel)![1]);
  const lead = mergedLabel.split(/,| and /)[0]!;
  const at = (await merged.boundingBox())!;
  await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  for (let i = 0; i < 2; i++) {
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(100);
  }
  const split = clusters().filter({ has: page.locator(`xpath=self::*[starts-with(@aria-label, "${lead},")]`) });
  await expect(split).toHaveCount(1);
  expect(Number(/: (\d+) photos?$/.exec((await split.getAttribute('aria-label'))!)![1])).toBeLessThan(mergedCount);
  await shot(page, 'places-2-zoomed', { dark: true });

  // Keyboard: the map takes focus, 0 fits all places again, + zooms in.
  await page.getByRole('application', { name: 'World map of your photos' }).focus();
  await page.keyboard.press('0');
  const fittedZoom = Number(await map.getAttribute('data-zoom'));
  await page.keyboard.press('+');
  await expect.poll(async () => Number(await map.getAttribute('data-zoom'))).toBe(fittedZoom * 2);
  await page.keyboard.press('-');
  await accessible(page, 'places');

  // A cluster of one place: its label names the town and country, and its count is the manifest's.
  const single = clusters().filter({ has: page.locator('xpath=self::*[not(contains(@aria-label, " more place"))]') }).first();
  const label = (await single.getAttribute('aria-label'))!;
  const city = plain(label.split(',')[0]!);
  const files = byPlace.get(city)!;
  expect(files, `${label} names a toy-world city`).toBeDefined();
  expect(label).toMatch(new RegExp(`^[^,]+, [A-Z][A-Za-z ]+: ${files.length} photos?$`));
  const alone = page.getByRole("button", { name: label, exact: true });

  // The cluster opens exactly its photos in the grid, under a place chip.
  await alone.click();
  await expect(page).not.toHaveURL(/#\/places$/);
  const placeName = label.replace(/: \d+ photos?$/, '');
  await expect(page.getByTestId('place-chip')).toContainText(placeName);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${placeName} ${files.length}`);
  // The grid is virtualised: scroll through it to see every tile.
  const grid = page.getByRole('listbox', { name: 'Photos' });
  const shown = new Set<string>();
  for (let y = 0, end = 1; y < end + 300; y += 300) {
    end = await grid.evaluate((el, top) => ((el.scrollTop = top), el.scrollHeight - el.clientHeight), y);
    await page.waitForTimeout(150);
    for (const file of await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-file') ?? ''))) shown.add(file);
  }
  await grid.evaluate((el) => (el.scrollTop = 0));
  expect([...shown].sort()).toEqual([...files].sort());
  await shot(page, 'places-3-opened', { dark: true });

  // The photo's details name its place instead of raw coordinates.
  await tiles().first().click();
  await expect(page.getByRole("dialog").first()).toBeVisible();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details).toContainText(placeName.split(' and ')[0]!);
  expect(plain(placeName)).toContain(city);
  await page.keyboard.press('Escape');

  // The place has its own address: Back returns to the map, Forward to the place, a reload keeps it.
  await expect(page).toHaveURL(/#\/place\?box=[-\d.,]+$/);
  const placeUrl = page.url();
  await page.goBack();
  await expect(page).toHaveURL(/#\/places$/);
  await expect(map).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(placeUrl);
  await page.reload();
  await expect(page.getByTestId('place-chip')).toContainText(plain(placeName).split(',')[0]!.slice(0, 3));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(String(files.length));
  // The chip's ✕ shows the whole library again.
  await page.getByTestId('place-chip').click();
  await expect(page.getByTestId('place-chip')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`All photos ${DEMO_COUNT}`);
});

test('Places works on a phone (390×844): the map fits, clusters are reachable, no sideways scrolling', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: PHONE, colorScheme: 'light', hasTouch: true, isMobile: true });
  const p = await phone.newPage();
  try {
    await p.goto(`${server.url.split('#')[0]}#/places`);
    const map = p.getByRole('application', { name: 'World map of your photos' });
    await expect(map).toBeVisible();
    await expect.poll(() => map.locator('path.land').count()).toBeGreaterThan(200);
    await expect(p.getByTestId('place-cluster').first()).toBeVisible();
    const box = (await map.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(PHONE.width);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await p.getByRole('button', { name: 'Zoom in' }).click();
    await shot(p, 'places-4-phone', { dark: true });
    await p.getByTestId('place-cluster').first().click();
    await expect(p.getByTestId('place-chip')).toBeVisible();
    await expect(p.getByRole('listbox', { name: 'Photos' }).getByRole('option').first()).toBeVisible();
    await shot(p, 'places-5-phone-opened', { dark: true });
  } finally {
    await phone.close();
  }
});
