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
  // Built next to the final folder, then swapped in, so a command starting meanwhile never sees half a build.
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
  const builtAt = Date.now();
  fs.writeFileSync(path.join(staging, path.basename(BUILD_INFO)), JSON.stringify({ builtAt, inputs }, null, 1) + '\n');
  const old = `${DIST_CORE}.old-${process.pid}`;
  if (fs.existsSync(DIST_CORE)) fs.renameSync(DIST_CORE, old);
  fs.renameSync(staging, DIST_CORE);
  fs.rmSync(old, { recursive: true, force: true });
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
