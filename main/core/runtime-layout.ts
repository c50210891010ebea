// Where the running code lives — TypeScript sources (through tsx) or the built dist/core/ — so repository
// files and child-process entries resolve in both layouts. See [Note: built layout] in bin/built-entry.js.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** True when this code runs from the esbuild output in dist/core/ (the module is then a .js chunk). */
export const RUNNING_BUILT = import.meta.url.endsWith('.js');

/** The repository (package) root: the nearest folder above this module holding package.json. */
export const REPO_ROOT = findPackageRoot(here);

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${start}: Photobind's files are incomplete.`);
  }
}

/**
 * How to start a Node child process on one of Photobind's entries: the built file (`dist/core/NAME.js`)
 * when this code runs built, else the TypeScript source with tsx's loader.
 */
export function childEntry(builtName: string, source: string): { file: string; execArgv: string[] } {
  if (RUNNING_BUILT) return { file: path.join(REPO_ROOT, 'dist', 'core', `${builtName}.js`), execArgv: [] };
  return { file: path.join(REPO_ROOT, source), execArgv: ['--import', import.meta.resolve('tsx')] };
}
