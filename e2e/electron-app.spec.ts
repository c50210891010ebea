// The desktop app through Playwright's Electron driver. Runs where Electron's binary is installed;
// elsewhere (as on machines with ELECTRON_SKIP_BINARY_DOWNLOAD) it is skipped and says so.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ARTIFACTS, REPO_ROOT } from './support/photobind-server.ts';

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log('Electron suite skipped: the Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD); it runs where `npx electron --version` works.');
}

test.describe('the Electron app', () => {
  test.skip(!binary, 'The Electron binary is not installed here; this suite runs where it is.');

  test('opens a hardened window that talks to the core over a MessagePort', async () => {
    execFileSync(process.execPath, ['bin/run-ts.js', 'main/electron/build-electron.ts'], { cwd: REPO_ROOT, stdio: 'inherit' });
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.'],
      cwd: REPO_ROOT,
      env: { ...process.env, PHOTOBIND_LIBRARY: path.join(scratch, 'library'), PHOTOBIND_MODELS: 'toy' },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: 'Find any photo by describing it' })).toBeVisible();
      // The page has the shell's bridge and nothing of Node or Electron.
      const exposed = await page.evaluate(() => ({
        shell: (window as unknown as { photobindShell?: { kind: string } }).photobindShell?.kind,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(exposed).toEqual({ shell: 'electron', require: 'undefined', process: 'undefined' });
      // Navigation away and new windows are refused.
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
        window.open('https://example.com/');
      });
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^photobind-app:\/\/app\//);
      expect(app.windows()).toHaveLength(1);
      await fs.mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'electron-01-first-run.png') });
    } finally {
      await app.close();
      await fs.rm(scratch, { recursive: true, force: true });
    }
  });
});
