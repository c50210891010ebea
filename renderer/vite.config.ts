// Vite config of the Svelte renderer: built to dist/renderer with relative URLs, so the same build
// loads from the web server and from Electron's app:// protocol.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  resolve: { alias: { $common: path.resolve(here, '../common') } },
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <style> or data: scripts: the pages run under a CSP without 'unsafe-inline'.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
