// Playwright config: the web-mode suite in Debian's Chromium against the real `photobind serve`, and an
// Electron suite that runs where Electron's binary is installed (and says so when it is skipped).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '../test-results',
  timeout: 150_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.PHOTOBIND_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'web', testMatch: /web-.*\.spec\.ts$/, use: { browserName: 'chromium' } },
    { name: 'electron', testMatch: /electron-.*\.spec\.ts$/ },
  ],
});
