// The app in web mode, end to end: real `photobind serve --port 0 --models toy` on a temp library,
// real Chromium. One story, step by step, with a screenshot of each step in e2e/artifacts/.
import { shot as screenShot } from './support/screens.ts';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { rawGet } from './support/http-probe.ts';
import { ARTIFACTS, REPO_ROOT, startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const DEMO_COUNT = 60;

interface ManifestEntry {
  file: string;
  caption: string;
  scene: { time: string; objects: Array<{ kind: string }> };
}

let server: PhotobindServer;
let page: Page;
/** The grid's tiles (the filter chips' <option>s have the same role). */
const tiles = () => page.getByRole('listbox', { name: 'Photos' }).getByRole('option');

test.describe.configure({ mode: 'serial' });

const shot = (name: string, options: { dark?: boolean } = {}) => screenShot(page, name, options);

async function manifest(): Promise<Map<string, ManifestEntry>> {
  const text = await fs.readFile(path.join(server.library, 'demo-album', 'manifest.jsonl'), 'utf8');
  const entries = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ManifestEntry);
  return new Map(entries.map((e) => [e.file, e]));
}

/** Waits for the sidebar's indexing card to reach a final state and returns it. */
async function indexingFinished(): Promise<string> {
  const card = page.locator('section[aria-label="Indexing"]');
  await expect(card).toHaveAttribute('data-state', /^(done|failed|cancelled)$/, { timeout: 120_000 });
  return (await card.getAttribute('data-state'))!;
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  server = await startPhotobindServer({ demoCount: DEMO_COUNT });
  page = await browser.newPage({ colorScheme: 'light' });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`console: ${message.text()}`);
  });
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
});

test('first run offers the demo album or a folder of your own', async () => {
  await page.goto(server.url);
  await expect(page).toHaveURL(new RegExp(`^${server.origin}/s/[\\w-]+/$`)); // the secret left the address bar for a cookie
  await expect(page.getByRole('heading', { name: 'Find any photo by describing it' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Open the demo album/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Add a folder/ }).first()).toBeVisible();
  await expect(page.getByText('demo · toy models').first()).toBeVisible();
  await shot('01-first-run', { dark: true });
});

test('opening the demo album renders it and indexes it with the toy models', async () => {
  await page.getByRole('button', { name: /Open the demo album/ }).click();
  await expect(page.getByRole('button', { name: /Demo album/ })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Indexing progress' })).toBeVisible();
  await shot('02-demo-indexing');
  expect(await indexingFinished(), server.log()).toBe('done');
  await expect(page.getByRole('progressbar', { name: 'Indexing progress' })).toHaveAttribute('aria-valuetext', 'Done');
  await expect(page.getByRole('heading', { name: /All photos/ })).toContainText(String(DEMO_COUNT));
  await expect(tiles().first()).toBeVisible();
  await shot('03-demo-album', { dark: true });
});

test('searching "motorcycle at night" finds photos of motorcycles at night', async () => {
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search photos' })).toBeFocused();
  await page.keyboard.type('motorcycle at night');
  await expect(page.getByTestId('result-count')).toContainText('motorcycle at night');
  const files = await tiles().evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-file')).filter((f): f is string => Boolean(f)));
  expect(files.length).toBeGreaterThan(0);
  const album = await manifest();
  const isMotorcycleAtNight = (file: string) => {
    const entry = album.get(file);
    return entry !== undefined && entry.scene.time === 'night' && entry.scene.objects.some((o) => o.kind === 'motorcycle');
  };
  const expected = [...album.values()].filter((e) => isMotorcycleAtNight(e.file)).length;
  const top = files.slice(0, Math.min(3, expected));
  expect(top.filter(isMotorcycleAtNight), `top results: ${top.join(', ')}`).toEqual(top);
  // Most of the motorcycles at night are found among the first results.
  const found = files.slice(0, expected + 3).filter(isMotorcycleAtNight).length;
  expect(found / expected).toBeGreaterThanOrEqual(0.5);
  await shot('04-search-motorcycle-at-night', { dark: true });
});

test('query arithmetic and filter chips narrow the results', async () => {
  const search = page.getByRole('searchbox', { name: 'Search photos' });
  await search.fill('motorcycle + night - car');
  await expect(page.getByTestId('result-count')).toContainText('motorcycle + night - car');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const camera = page.getByRole('combobox', { name: 'Camera' });
  const firstCamera = (await camera.locator('option').nth(1).textContent())!;
  await camera.selectOption(firstCamera);
  await expect(page.getByRole('button', { name: 'Clear filters' })).toBeVisible();
  await shot('04b-search-with-filter');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await search.fill('motorcycle at night');
  await expect(page.getByTestId('result-count')).toContainText('“motorcycle at night”');
});

test('selecting a photo shows it large, with its caption (or why there is none)', async () => {
  const tile = tiles().first();
  const file = (await tile.getAttribute('data-file'))!;
  await tile.click();
  const viewer = page.getByRole('dialog', { name: file });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('img', { name: new RegExp(file.replace('.', '\\.')) })).toBeVisible();
  const caption = viewer.getByTestId('caption').or(viewer.getByTestId('caption-unavailable'));
  await expect(caption).toBeVisible({ timeout: 60_000 });
  if (await viewer.getByTestId('caption').isVisible()) {
    const text = (await viewer.getByTestId('caption').textContent())!.trim();
    expect(text.length).toBeGreaterThan(3);
    // The tile's alt text and title carry the caption once it has one.
    await page.keyboard.press('Escape');
    await expect(tiles().and(page.getByRole('option', { selected: true }))).toHaveAttribute('title', `${file} — ${text}`);
    await tiles().and(page.getByRole('option', { selected: true })).click();
  } else {
    test.info().annotations.push({ type: 'caption', description: 'The caption model is not installed: the viewer says so.' });
  }
  await expect(page.getByRole('region', { name: 'More like this' })).toBeVisible();
  await shot('05-photo-view', { dark: true });
});

test('a caption can be written by hand, and the tile carries it', async () => {
  const viewer = page.getByRole('dialog');
  const file = (await viewer.getAttribute('aria-label'))!;
  await viewer.getByRole('button', { name: 'Edit the caption' }).click();
  await viewer.getByRole('textbox', { name: 'Caption text' }).fill('Two green quad bikes under the moon');
  await viewer.getByRole('button', { name: 'Save' }).click();
  await expect(viewer.getByTestId('caption')).toHaveText('Two green quad bikes under the moon');
  await shot('05b-caption-edited');
  await page.keyboard.press('Escape');
  await expect(tiles().and(page.getByRole('option', { selected: true }))).toHaveAttribute('title', `${file} — Two green quad bikes under the moon`);
  await tiles().and(page.getByRole('option', { selected: true })).click();
  await expect(page.getByRole('dialog', { name: file })).toBeVisible();
});

test('asking a question shows the answer as it streams in', async () => {
  const viewer = page.getByRole('dialog');
  // Record every text the newest answer bubble goes through, to see it stream.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { answerTexts: string[] }).answerTexts = seen;
    new MutationObserver(() => {
      const answers = document.querySelectorAll('[data-testid="answer"]');
      const text = answers[answers.length - 1]?.textContent?.trim() ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const photoAsk = viewer.getByRole('textbox', { name: 'Your question about this photo' });
  if (await photoAsk.isVisible()) {
    await photoAsk.fill('what is in the photo?');
    await photoAsk.press('Enter');
    await expect(viewer.getByTestId('answer').last()).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
    await expect(viewer.getByTestId('answer').last()).not.toBeEmpty();
    await shot('06-ask-photo');
  } else {
    await expect(viewer.getByTestId('ask-unavailable')).toBeVisible();
    test.info().annotations.push({ type: 'ask', description: 'The VQA model is not installed: the panel says so; asking the library instead.' });
  }
  await viewer.getByRole('tab', { name: 'Whole library' }).click();
  const libraryAsk = viewer.getByRole('textbox', { name: 'Your question about the library' });
  await libraryAsk.fill('how many photos of motorcycles at night?');
  await libraryAsk.press('Enter');
  const answer = viewer.getByTestId('answer').last();
  await expect(answer).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
  await expect(answer).toContainText(/\d|no /i);
  const texts = await page.evaluate(() => (window as unknown as { answerTexts: string[] }).answerTexts);
  expect(texts.length, `answer states: ${JSON.stringify(texts)}`).toBeGreaterThan(1); // it grew token by token
  await shot('07-ask-library', { dark: true });
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('adding a folder indexes it with a progress bar that reaches done', async () => {
  const folder = path.join(server.scratch, 'Holiday photos');
  execFileSync(process.execPath, ['bin/photobind.js', 'demo', '--out', folder, '--count', '6', '--seed', '11'], { cwd: REPO_ROOT, stdio: 'ignore' });
  await fs.writeFile(path.join(folder, 'broken.jpg'), Buffer.from('this is not a JPEG at all'));
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
  await page.getByRole('button', { name: 'Add a folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a folder' });
  await dialog.getByRole('textbox', { name: 'Folder' }).fill(folder);
  await shot('08-add-folder-dialog');
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('section[aria-label="Indexing"]')).toContainText('Holiday photos');
  expect(await indexingFinished(), server.log()).toBe('done');
  await expect(page.getByRole('progressbar', { name: 'Indexing progress' })).toHaveAttribute('aria-valuenow', '100');
  await expect(page.locator('section[aria-label="Indexing"]')).toContainText('6 photos indexed');
  await expect(page.locator('section[aria-label="Indexing"]')).toContainText('1 with problems');
  await expect(page.getByRole('button', { name: /Holiday photos\s*6/ })).toBeVisible();
  await shot('09-folder-added', { dark: true });
  // The folder in the sidebar filters the grid.
  await page.getByRole('button', { name: /Holiday photos\s*6/ }).click();
  await expect(page.getByRole('heading', { name: /Holiday photos/ })).toContainText('6');
  await page.getByRole('button', { name: /All photos/ }).click();
  // The file that could not be read is listed, with why.
  await page.getByRole('button', { name: /could not be read/ }).click();
  const problems = page.getByRole('dialog', { name: 'Files that could not be read' });
  await expect(problems).toContainText('broken.jpg');
  await shot('09b-problems');
  await page.keyboard.press('Escape');
});

test('a folder that goes away is shown offline and keeps its photos', async () => {
  const folder = path.join(server.scratch, 'Holiday photos');
  const away = path.join(server.scratch, 'unplugged');
  await fs.rename(folder, away);
  const row = page.getByRole('listitem').filter({ hasText: 'Holiday photos' });
  await expect(row.getByText('offline')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: /Holiday photos\s*6/ })).toBeVisible();
  await shot('09c-folder-offline');
  await fs.rename(away, folder);
  await expect(row.getByText('offline')).toBeHidden({ timeout: 20_000 });
});

test('a bad folder path gives a clear error', async () => {
  await page.getByRole('button', { name: 'Add a folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a folder' });
  await dialog.getByRole('textbox', { name: 'Folder' }).fill('/no/such/folder');
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The folder /no/such/folder does not exist; check the path (or plug in its drive).');
  await shot('10-bad-folder', { dark: true });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('settings show the model set, the device and where the library lives; the theme toggles', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('combobox', { name: 'Model set' })).toHaveValue('toy');
  await expect(settings.getByTestId('device')).toHaveText(/cpu|cuda|webgpu|not started/);
  await expect(settings).toContainText(server.library);
  await shot('12-settings', { dark: true });
  await page.keyboard.press('Escape');
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(before);
  await shot('13-theme-toggled');
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
});

test('keyboard: arrows move, Enter opens, Esc closes', async () => {
  await page.getByRole('listbox', { name: 'Photos' }).focus();
  await page.keyboard.press('Home');
  const first = tiles().and(page.getByRole('option', { selected: true }));
  const firstFile = await first.getAttribute('data-file');
  await page.keyboard.press('ArrowRight');
  await expect(tiles().and(page.getByRole('option', { selected: true }))).not.toHaveAttribute('data-file', firstFile!);
  const selected = (await tiles().and(page.getByRole('option', { selected: true })).getAttribute('data-file'))!;
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: selected })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: selected })).toBeHidden();
});

test('the server refuses requests without the secret, with a foreign Host, or for files outside the library', async ({ browser }) => {
  // A browser without the secret (another site's page, or a stale link) gets nothing.
  const stranger = await browser.newPage();
  const refused = await stranger.goto(`${server.origin}/`);
  expect(refused?.status()).toBe(401);
  await stranger.screenshot({ path: path.join(ARTIFACTS, '11-refused-without-secret.png') });
  expect((await stranger.goto(`${server.origin}/?token=guessed`))?.status()).toBe(401);
  await stranger.close();

  const auth = { 'X-Photobind-Token': server.secret };
  expect((await rawGet(server.port, '/')).status).toBe(401);
  expect((await rawGet(server.port, '/', auth)).status).toBe(200);
  expect((await rawGet(server.port, '/', { ...auth, Host: `rebound.example:${server.port}` })).status).toBe(403);
  // Files outside the library: by hash of a file that is not in it, by path, by traversal.
  const outside = createHash('sha256').update(await fs.readFile(path.join(server.library, 'settings.json'))).digest('hex').slice(0, 40);
  expect((await rawGet(server.port, `/photo/${outside}`, auth)).status).toBe(404);
  expect((await rawGet(server.port, `/photo/${encodeURIComponent('/etc/passwd')}`, auth)).status).toBe(404);
  expect((await rawGet(server.port, '/photo/../../../etc/passwd', auth)).status).toBe(404);
  expect((await rawGet(server.port, '/%2e%2e/%2e%2e/etc/passwd', auth)).status).toBe(404);
  // ...while a library photo is served.
  const tile = await tiles().first().locator('img').getAttribute('src');
  expect((await rawGet(server.port, new URL(tile!).pathname, auth)).status).toBe(200);
});

test('switching to the multilingual set re-embeds with progress in the sidebar, then a Thai search works', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('combobox', { name: 'Model set' }).selectOption('toy-multilingual');
  await expect(settings.getByRole('combobox', { name: 'Model set' })).toHaveValue('toy-multilingual');
  await page.keyboard.press('Escape');
  const card = page.getByRole('region', { name: 'Search model switch' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Searches now use toy-siglip', { timeout: 60_000 });
  await shot('14-model-switched');
  await page.getByRole('searchbox', { name: 'Search photos' }).fill('รถมอเตอร์ไซค์ตอนกลางคืน'); // "motorcycle at night"
  await expect(page.getByTestId('result-count')).toContainText('รถมอเตอร์ไซค์');
  // In a small toy library the "no good matches" verdict may hold the ranking back as weaker matches: show them.
  const weaker = page.getByTestId('show-weaker');
  if (await weaker.isVisible()) await weaker.click();
  await expect(tiles().first()).toBeVisible();
  const files = await tiles().evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-file')).filter((f): f is string => Boolean(f)));
  const album = await manifest();
  const top = files.slice(0, 3);
  expect(top.length).toBeGreaterThan(0);
  expect(top.filter((f) => album.get(f)?.scene.objects.some((o) => o.kind === 'motorcycle')), `top results: ${top.join(', ')}`).toEqual(top);
});
