// ESLint flat config: type-aware TypeScript rules plus the layering rule of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import svelteConfig from './renderer/svelte.config.js';

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp/**', 'models/training/.work/**', 'models/training/.data/**', 'dist/**', 'out/**', 'models/toy/**', 'e2e/artifacts/**', 'test-results/**', 'playwright-report/**', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The Svelte renderer: browser globals, type-aware rules inside .svelte files too (renderer/tsconfig.json).
  ...svelte.configs.recommended,
  {
    files: ['renderer/**/*.svelte', 'renderer/**/*.svelte.ts', 'renderer/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig, tsconfigRootDir: import.meta.dirname },
    },
  },
  // Layering (after VS Code): common imports nothing platform-specific; core never imports electron.
  layer(['common/**/*.ts'], ['electron', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**'], 'common/ is platform-free shared code.'),
  layer(['main/core/**/*.ts'], ['electron', '**/electron/**', '**/renderer/**', '**/preload/**'], 'main/core is plain Node: it never imports electron or UI code.'),
  layer(['main/electron/**/*.ts'], ['**/renderer/**', '**/preload/**'], 'main/electron is the shell: it talks to the renderer only through the API contract.'),
  layer(['preload/**/*.ts'], ['node:*', '../**', './**'], 'The preload is one small self-contained file: it imports only electron.'),
  layer(
    ['renderer/src/**/*.ts', 'renderer/src/**/*.svelte'],
    ['electron', 'node:*', '**/main/**', '**/preload/**', '../../common/**', '../../../common/**'],
    'The renderer runs in the browser sandbox: it reaches the core only through the API client ($common/api), never main/ or Node.',
  ),
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
