// Builds what Electron loads: the renderer (dist/renderer, if stale) and two CommonJS bundles in
// dist/electron: main.cjs (the shell) and preload.cjs (a sandboxed preload must be one plain script).
// The core is built separately (bin/build-core.js → dist/core/core-host.js, see [Note: built layout]).
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ensureRendererBuilt } from '../core/web/renderer-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const external = ['electron', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

async function bundle(entry: string, fileName: string): Promise<void> {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: path.join(root, 'dist', 'electron'),
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: true,
      reportCompressedSize: false,
      ssr: entry,
      rollupOptions: { external, output: { format: 'cjs', entryFileNames: fileName } },
    },
    ssr: { noExternal: true, target: 'node' },
  });
}

export async function buildElectron(): Promise<void> {
  await ensureRendererBuilt();
  await bundle(path.join(root, 'main/electron/main.ts'), 'main.cjs');
  await bundle(path.join(root, 'preload/preload.ts'), 'preload.cjs');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildElectron();
  process.stderr.write('Built dist/electron/main.cjs and preload.cjs.\n');
}
