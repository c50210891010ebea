// Picks what an entry script runs: the built JavaScript in dist/core/ when it is there and newer than
// every source it was built from, else the TypeScript sources through tsx. See [Note: built layout].
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// [Note: built layout]
// `npm ci` runs the `prepare` script, `node bin/build-core.js`: esbuild bundles the Node side into
// dist/core/ — photobind-cli.js (main/core/cli/main.ts), model-worker.js, decode-thread.js, core-host.js — with code
// splitting, so modules a command imports with `import()` (LanceDB, transformers.js, sharp, the web
// server) are separate chunks loaded only by the commands that need them. Packages in node_modules stay
// outside the bundle. Chunks sit beside the entries, two folders below the root like main/core/*.ts;
// code that finds repository files or starts a child process asks main/core/runtime-layout.ts, which
// answers for both layouts. The entry scripts in bin/ run dist/core when dist/core/build-info.json lists
// no source newer than the build; otherwise (an edited dev checkout, a build that never ran, or
// PHOTOBIND_FROM_SOURCE=1) they fall back to tsx on the sources, so an edit takes effect at once and
// `npm run build` brings the fast start back. Checking costs one stat per bundled source (~1 ms).

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_CORE = path.join(REPO_ROOT, 'dist', 'core');
export const BUILD_INFO = path.join(DIST_CORE, 'build-info.json');
/** Built entry name → its TypeScript source (relative to the root). */
export const ENTRIES = {
  'photobind-cli': 'main/core/cli/main.ts',
  'model-worker': 'main/core/model-process/model-worker.ts',
  'decode-thread': 'main/core/model-process/decode-thread.ts',
  'core-host': 'main/electron/core-host.ts',
};

/** Whether dist/core holds a build at least as new as every source it was built from. */
export function builtLayoutFresh() {
  if (process.env.PHOTOBIND_FROM_SOURCE === '1') return false;
  let info;
  try {
    info = JSON.parse(fs.readFileSync(BUILD_INFO, 'utf8'));
  } catch {
    return false;
  }
  if (typeof info.builtAt !== 'number' || !Array.isArray(info.inputs)) return false;
  for (const input of info.inputs) {
    const stat = fs.statSync(path.join(REPO_ROOT, input), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > info.builtAt) return false;
  }
  return true;
}

/** Imports entry `name`: the built file when fresh, else its TypeScript source through tsx. */
export async function runEntry(name) {
  if (builtLayoutFresh()) {
    await import(pathToFileURL(path.join(DIST_CORE, `${name}.js`)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(REPO_ROOT, ENTRIES[name])).href);
}
