// The layering lint rules fail code that breaks them: a CLI test file reaching the store, SQL helpers or LanceDB.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from './models/model-catalog.ts';

const fixture = path.join(REPO_ROOT, 'main', 'core', 'cli', 'layering-fixture.test.ts');
afterAll(async () => fs.rm(fixture, { force: true }));

it('rejects storage imports, LanceDB and `core.store` in cli/ (test files included), and accepts the services', async () => {
  const bad = [
    "// A test file that breaks the layering rule on purpose.",
    "import * as lancedb from '@lancedb/lancedb';",
    "import { sqlString } from '../storage/photo-filters.ts';",
    "import type { PhotobindCore } from '../photobind-core.ts';",
    'export async function count(core: PhotobindCore): Promise<number> {',
    "  void lancedb; void sqlString;",
    '  return core.store.countPhotos();',
    '}',
    '',
  ].join('\n');
  await fs.writeFile(fixture, bad);
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintFiles([fixture]);
  const messages = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  expect(messages.some((m) => m.startsWith('no-restricted-imports') && m.includes('LanceDB'))).toBe(true);
  expect(messages.some((m) => m.startsWith('no-restricted-imports') && m.includes('never storage'))).toBe(true);
  expect(messages.some((m) => m.startsWith('no-restricted-syntax') && m.includes('never reach the store'))).toBe(true);

  const good = bad.replace("import * as lancedb from '@lancedb/lancedb';\n", '').replace("import { sqlString } from '../storage/photo-filters.ts';\n", '').replace('  void lancedb; void sqlString;\n', '').replace('core.store.countPhotos()', 'core.library.countPhotos()');
  await fs.writeFile(fixture, good);
  const [clean] = await eslint.lintFiles([fixture]);
  expect(clean!.messages.filter((m) => m.ruleId?.startsWith('no-restricted'))).toEqual([]);
}, 180_000);
