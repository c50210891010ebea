// ESLint flat config: type-aware TypeScript rules plus the layering rule of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'renderer/**', 'models/toy/**', 'e2e/artifacts/**', 'test-results/**', '**/*.js', '!eslint.config.js'] },
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
  // Layering (after VS Code): common imports nothing platform-specific; core never imports electron.
  layer(['common/**/*.ts'], ['electron', 'node:*', '**/main/**', '**/renderer/**', '**/preload/**'], 'common/ is platform-free shared code.'),
  layer(['main/core/**/*.ts'], ['electron', '**/electron/**', '**/renderer/**', '**/preload/**'], 'main/core is plain Node: it never imports electron or UI code.'),
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
