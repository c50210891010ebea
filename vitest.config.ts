// Vitest configuration: unit and integration tests live beside the code (*.test.ts). Two projects: the
// Node side (core, common, models, bin) and the renderer's state classes, whose `.svelte.ts` runes need
// the Svelte compiler and the renderer's `$common` alias.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['common/**/*.test.ts', 'main/**/*.test.ts', 'models/**/*.test.ts', 'bin/**/*.test.ts'] },
      },
      {
        extends: true,
        plugins: [svelte({ configFile: path.join(here, 'renderer/svelte.config.js') })],
        // The client build of Svelte (reactive $derived), not the server one Node would resolve to.
        resolve: { alias: { $common: path.join(here, 'common') }, conditions: ['browser'] },
        test: { name: 'renderer', include: ['renderer/src/**/*.test.ts'] },
      },
    ],
  },
});
