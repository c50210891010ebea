// ESLint flat config: type-aware TypeScript rules plus the layering rule of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import svelteConfig from './renderer/svelte.config.js';

// Sealed storage: only main/core/storage/ imports LanceDB and Arrow (see docs/architecture.md, "Application layer").
const SEALED = [
  { name: '@lancedb/lancedb', message: 'Only main/core/storage/ imports LanceDB: add a repository method there.' },
  { name: 'apache-arrow', message: 'Only main/core/storage/ imports apache-arrow: add a repository method there.' },
];
const CORE_PATTERNS = ['electron', '**/electron/**', '**/renderer/**', '**/preload/**'];
const CORE_MESSAGE = 'main/core is plain Node: it never imports electron or UI code.';

// One config per layer; a file in several layers gets the last one, so each repeats what it inherits.
const layer = (files, patterns, message, { ignores = [], sealed = true, extra = [] } = {}) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', {
      paths: sealed ? SEALED : [],
      patterns: [...patterns.map((group) => ({ group: [group], message })), ...extra],
    }],
  },
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
  layer(['bench/**/*.ts', 'e2e/**/*.ts', 'models/**/*.ts', 'bin/**/*.ts'], [], ''),
  layer(['main/core/**/*.ts'], CORE_PATTERNS, CORE_MESSAGE, { ignores: ['main/core/storage/**'] }),
  layer(['main/core/storage/**/*.ts'], CORE_PATTERNS, CORE_MESSAGE, { sealed: false }),
  // The front doors (CLI, API handlers, web server) call the application layer (services), never storage.
  layer(['main/core/cli/**/*.ts', 'main/core/api/**/*.ts', 'main/core/web/**/*.ts'], CORE_PATTERNS, CORE_MESSAGE, {
    extra: [
      { group: ['**/storage/**'], message: 'cli/, api/ and web/ call services (the application layer), never storage: see docs/architecture.md.' },
      { group: ['**/library-settings.repository*'], message: 'Settings go through LibraryService (core.library.settings / updateSettings).' },
    ],
  }),
  {
    files: ['main/core/cli/**/*.ts', 'main/core/api/**/*.ts', 'main/core/web/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[property.name='store']",
        message: 'cli/, api/ and web/ never reach the store: call a service (core.library, core.index, core.search, ...).',
      }],
    },
  },
  layer(['main/electron/**/*.ts'], ['**/renderer/**', '**/preload/**'], 'main/electron is the shell: it talks to the renderer only through the API contract.'),
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: SEALED,
        patterns: [
          { group: ['node:*'], message: 'The preload is one small self-contained file: it imports only electron (and the shell channel names).' },
          { regex: '^\\.\\.?/(?!common/api/shell-channels\\.ts$)', message: 'The preload is one small self-contained file: it imports only electron (and the shell channel names).' },
        ],
      }],
    },
  },
  layer(
    ['renderer/src/**/*.ts', 'renderer/src/**/*.svelte'],
    ['electron', 'node:*', '**/main/**', '**/preload/**', '../../common/**', '../../../common/**'],
    'The renderer runs in the browser sandbox: it reaches the core only through the API client ($common/api), never main/ or Node.',
  ),
  // The renderer's state tests host a real core in-process (the in-process transport is for tests): they,
  // and only they, may import main/core and Node; shipped renderer code stays under the rule above.
  layer(
    ['renderer/src/**/*.test.ts', 'renderer/src/**/*.test-support.ts'],
    ['electron', '**/electron/**', '**/preload/**', '../../common/**', '../../../common/**'],
    'Renderer tests reach the core through the API client over the in-process transport; never electron or the preload.',
  ),
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
