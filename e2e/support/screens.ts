// Screens the specs keep and check: a screenshot in light (and dark) into e2e/artifacts/, and axe-core in both schemes.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { axeScriptPath, seriousViolations } from './axe-check.ts';
import { ARTIFACTS } from './photobind-server.ts';

/** The app follows the system scheme through a media-query event: wait until it has switched. */
async function scheme(target: Page, colorScheme: 'light' | 'dark'): Promise<void> {
  await target.emulateMedia({ colorScheme });
  await expect.poll(() => target.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
}

/** `<name>.png` (and `<name>-dark.png`) in e2e/artifacts/, once images and transitions have settled; ends in light. */
export async function shot(target: Page, name: string, options: { dark?: boolean } = {}): Promise<void> {
  await target.waitForTimeout(300);
  await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  if (options.dark) {
    await scheme(target, 'dark');
    await target.waitForTimeout(300);
    await target.screenshot({ path: path.join(ARTIFACTS, `${name}-dark.png`) });
    await scheme(target, 'light');
  }
}

const axe = axeScriptPath();

/** axe-core on the screen as it is, in light and dark: no serious or critical violation; ends in light. */
export async function accessible(target: Page, screen: string): Promise<void> {
  test.skip(axe === null, 'axe-core is not installed (npm i -D axe-core, or PHOTOBIND_AXE=/path/to/axe.min.js)');
  for (const colorScheme of ['light', 'dark'] as const) {
    await scheme(target, colorScheme);
    await target.waitForTimeout(200);
    const problems = await seriousViolations(target, axe!);
    expect(problems, `${screen} (${colorScheme}): ${JSON.stringify(problems, null, 1)}`).toEqual([]);
  }
  await scheme(target, 'light');
}
