// Runs axe-core in the page and returns its serious and critical violations (rule id, impact, first targets).
// axe-core comes from node_modules (devDependency) or from PHOTOBIND_AXE (a path to axe.min.js).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

export function axeScriptPath(): string | null {
  if (process.env.PHOTOBIND_AXE && fs.existsSync(process.env.PHOTOBIND_AXE)) return process.env.PHOTOBIND_AXE;
  try {
    return createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    return null;
  }
}

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

export async function seriousViolations(page: Page, script: string): Promise<AxeProblem[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: fs.readFileSync(script, 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}
