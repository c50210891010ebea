#!/usr/bin/env node
// Builds the Node side (CLI, model-process worker, Electron core host) to plain JavaScript in dist/core/
// with esbuild, so commands start without compiling TypeScript (`npm run build`; `npm ci` runs it as `prepare`).
// See [Note: built layout] in bin/built-entry.js.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, DIST_CORE, ENTRIES, REPO_ROOT } from './built-entry.js';

/** esbuild comes with tsx (a dependency), so it is there whenever `npm ci` ran. */
function loadEsbuild() {
  try {
    const require = createRequire(fileURLToPath(import.meta.resolve('tsx')));
    return require('esbuild');
  } catch {
    return null;
  }
}

export async function buildCore({ quiet = false } = {}) {
  const esbuild = loadEsbuild();
  if (!esbuild) {
    process.stderr.write('photobind build: esbuild (installed with tsx) was not found; commands will run the TypeScript sources through tsx.\n');
    return false;
  }
  const started = Date.now();
  const staging = `${DIST_CORE}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, source]) => [name, source])),
    outdir: staging,
    bundle: true,
    splitting: true, // commands load heavy modules through import(): each becomes its own chunk
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    packages: 'external', // node_modules load as they are (native addons, wasm, their own files)
    sourcemap: 'linked',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]', // chunks sit beside the entries: see [Note: built layout]
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules')).sort();
  // builtAt is when esbuild started reading: a source saved during the build counts as newer than it.
  fs.writeFileSync(path.join(staging, path.basename(BUILD_INFO)), JSON.stringify({ builtAt: started, inputs }, null, 1) + '\n');
  // Files move into dist/core chunks first, then entries, build-info.json last, so a command starting
  // meanwhile never sees an entry without its chunks. Chunks of earlier builds stay a day: a process
  // started before this build (a running `photobind serve`) may still import() one of them.
  fs.mkdirSync(DIST_CORE, { recursive: true });
  const fresh = new Set(fs.readdirSync(staging));
  const order = (name) => (name.startsWith('chunk-') ? 0 : 1);
  const moving = [...fresh].filter((n) => n !== path.basename(BUILD_INFO)).sort((a, b) => order(a) - order(b));
  for (const name of moving) fs.renameSync(path.join(staging, name), path.join(DIST_CORE, name));
  fs.renameSync(path.join(staging, path.basename(BUILD_INFO)), BUILD_INFO);
  fs.rmSync(staging, { recursive: true, force: true });
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(DIST_CORE)) {
    const file = path.join(DIST_CORE, name);
    if (!fresh.has(name) && fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file, { force: true });
  }
  if (!quiet) process.stderr.write(`Built dist/core (${inputs.length} source files) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCore();
  } catch (error) {
    process.stderr.write(`photobind build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
