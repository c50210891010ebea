// The grid with 100,000 photos: it stays virtual (a few dozen tiles in the page at any time), scrolls to
// the oldest photo, and reports how smooth scrolling was (printed, not asserted: timings vary by machine).
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
  await expect(page.getByRole('heading', { name: /All photos/ })).toContainText('100,000');
  const grid = page.getByRole('listbox', { name: 'Photos' });
  await expect(grid.getByRole('option').first()).toHaveAttribute('data-file', 'IMG_099999.jpg');
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
  await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
  await expect(grid.locator('[data-file="IMG_000000.jpg"]')).toBeVisible();
  await page.keyboard.press('End');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, '20-grid-100k-end.png') });
});
