// The timeline with 100,000 photos: it stays virtual (a few dozen tiles in the page at any time), scrolls to
// the oldest photo, jumps by the date scrubber, and reports how smooth scrolling and jumping were (printed,
// not asserted: timings vary by machine).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT } from './support/photobind-server.ts';
import { startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

const COUNT = 100_000;
let server: PhotobindServer;
let seeded: string;

test.beforeAll(async () => {
  seeded = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-100k-'));
  execFileSync(process.execPath, ['bin/run-ts.js', 'e2e/support/seed-library.ts', path.join(seeded, 'library'), String(COUNT)], { cwd: REPO_ROOT, stdio: 'ignore' });
  server = await startPhotobindServer({ demoCount: 1, libraryDir: path.join(seeded, 'library') });
});

test.afterAll(async () => {
  await server?.stop();
  await fs.rm(seeded, { recursive: true, force: true });
});

test('the grid stays virtual and smooth with 100,000 photos', async ({ page }) => {
  await page.goto(server.url);
  // The first load builds the browsing order of 100k rows: slow on a busy 2-core machine, hence the wait.
  await expect(page.getByRole('heading', { name: /All photos/ })).toContainText('100,000', { timeout: 90_000 });
  const grid = page.getByRole('listbox', { name: 'Photos' });
  await expect(grid.getByRole('option').first()).toHaveAttribute('data-file', 'IMG_099999.jpg');
  // Month and day headers over justified rows; the newest month first.
  await expect(grid.getByTestId('month-header').first()).toHaveAttribute('data-key', '2026-05');
  await expect(grid.getByTestId('day-header').first()).toHaveAttribute('data-key', '2026-05-29');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, '19-timeline-100k-top.png') });
  const result = await grid.evaluate(async (element) => {
    const frames: number[] = [];
    let maxTiles = 0;
    let last = performance.now();
    for (let i = 0; i < 180; i++) {
      element.scrollTop += 500;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      maxTiles = Math.max(maxTiles, element.querySelectorAll('[role="option"]').length);
    }
    frames.sort((a, b) => a - b);
    return { p50: frames[frames.length >> 1]!, p95: frames[Math.floor(frames.length * 0.95)]!, maxTiles };
  });
  console.log(`100k grid: ${result.maxTiles} tiles in the page at most; frame time p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms while scrolling`);
  test.info().annotations.push({ type: 'frame time', description: `p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms` });
  expect(result.maxTiles).toBeLessThan(200);
  await page.screenshot({ path: path.join(ARTIFACTS, '20-timeline-100k-scrolled.png') });

  // The date scrubber: jumps to months all over the eleven years, timing the frame after each jump.
  const scrubber = page.getByRole('slider', { name: 'Jump to a date' });
  await expect(scrubber).toBeVisible();
  const box = (await scrubber.boundingBox())!;
  const jumps: number[] = [];
  for (let i = 0; i < 24; i++) {
    const y = box.y + ((i * 7919) % 97) / 97 * box.height;
    const started = await page.evaluate(() => performance.now());
    await page.mouse.click(box.x + box.width / 2, y);
    jumps.push(await page.evaluate(async (t0) => {
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return performance.now() - t0;
    }, started));
  }
  jumps.sort((a, b) => a - b);
  const jumpP50 = jumps[jumps.length >> 1]!;
  const jumpMax = jumps[jumps.length - 1]!;
  console.log(`100k scrubber: ${jumps.length} jumps, time to the second frame after a jump p50 ${jumpP50.toFixed(1)} ms, max ${jumpMax.toFixed(1)} ms`);
  test.info().annotations.push({ type: 'jump time', description: `p50 ${jumpP50.toFixed(1)} ms, max ${jumpMax.toFixed(1)} ms` });
  // Keyboard: Home goes to the newest month, then Page Down a year back lands in 2025.
  await scrubber.focus();
  await page.keyboard.press('Home');
  await expect(scrubber).toHaveAttribute('aria-valuetext', /2026/);
  await page.keyboard.press('PageDown');
  await expect(scrubber).toHaveAttribute('aria-valuetext', /2025/);
  await expect(grid.getByTestId('month-header').filter({ hasText: '2025' }).first()).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, '21-timeline-100k-scrubber-2025.png') });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6);
  await page.screenshot({ path: path.join(ARTIFACTS, '22-timeline-100k-scrubber-hover.png') });
  await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
  await expect(grid.locator('[data-file="IMG_000000.jpg"]')).toBeVisible();
  await page.keyboard.press('End');
  await page.screenshot({ path: path.join(ARTIFACTS, '20-grid-100k-end.png') });
});
