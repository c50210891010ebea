// Vitest configuration: unit and integration tests live beside the code (*.test.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'renderer/src/**/*.test.ts', 'main/**/*.test.ts', 'models/**/*.test.ts', 'bin/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
