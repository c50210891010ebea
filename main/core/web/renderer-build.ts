// Builds the Svelte renderer (renderer/ → dist/renderer) when it is missing or older than its sources,
// so `photobind serve` and `npm start` work straight after `npm ci`. Vite is only needed for that build.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { build as viteBuild } from 'vite';
import { REPO_ROOT } from '../runtime-layout.ts';

export const RENDERER_SOURCE = path.join(REPO_ROOT, 'renderer');
export const RENDERER_DIST = path.join(REPO_ROOT, 'dist', 'renderer');
/** The renderer also compiles in the shared contract. */
const SOURCES = [RENDERER_SOURCE, path.join(REPO_ROOT, 'common')];

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || entry.parentPath.includes(`${path.sep}node_modules`) || entry.name.endsWith('.test.ts')) continue;
    const stat = await fs.stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    if (stat && stat.mtimeMs > newest) newest = stat.mtimeMs;
  }
  return newest;
}

export async function rendererIsStale(): Promise<boolean> {
  const built = await fs.stat(path.join(RENDERER_DIST, 'index.html')).catch(() => null);
  if (!built) return true;
  const sources = await Promise.all(SOURCES.map(newestSource));
  return Math.max(...sources) > built.mtimeMs;
}

/** Returns the folder of the built renderer, building it first if needed (logs go to `log`, never stdout). */
export async function ensureRendererBuilt(options: { log?: (line: string) => void; force?: boolean } = {}): Promise<string> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!options.force && !(await rendererIsStale())) return RENDERER_DIST;
  let build: typeof viteBuild;
  try {
    ({ build } = await import('vite'));
  } catch {
    if (await fs.stat(path.join(RENDERER_DIST, 'index.html')).then(() => true, () => false)) return RENDERER_DIST;
    throw new Error('The app\'s interface is not built and Vite is not installed; run `npm ci` then `npm run build:renderer`.');
  }
  log('Building the Photobind interface (once, after an update)…');
  const started = Date.now();
  await build({ configFile: path.join(RENDERER_SOURCE, 'vite.config.ts'), logLevel: 'warn' });
  log(`Built the interface in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return RENDERER_DIST;
}
