// Tests the built layout for real: `bin/build-core.js` bundles the CLI to dist/core, the `photobind` entry
// runs it while it is fresh and falls back to the sources when one is newer. See [Note: built layout].
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../runtime-layout.ts';
import { runPhotobind } from './cli-process.test-support.ts';

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fresh = () => node(['--input-type=module', '-e', "import { builtLayoutFresh } from './bin/built-entry.js'; console.log(builtLayoutFresh());"]).trim();

describe('built layout', () => {
  it('builds dist/core, runs it while fresh, and falls back to the sources when one is newer', async () => {
    node(['bin/build-core.js']);
    const info = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'dist', 'core', 'build-info.json'), 'utf8')) as { inputs: string[] };
    expect(info.inputs).toEqual(expect.arrayContaining(['main/core/cli/main.ts', 'main/core/model-process/model-worker.ts', 'main/electron/core-host.ts']));
    for (const entry of ['photobind-cli.js', 'model-worker.js', 'core-host.js']) await fs.access(path.join(REPO_ROOT, 'dist', 'core', entry));
    expect(fresh()).toBe('true');

    const { version } = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const built = await runPhotobind(['--version']);
    expect(built).toMatchObject({ code: 0, stdout: `${version}\n` });
    const fromSource = await runPhotobind(['--version'], { PHOTOBIND_FROM_SOURCE: '1' });
    expect(fromSource).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await runPhotobind(['--help']);
    expect(help.stdout).toContain('search [options] <query>');

    // A source saved after the build makes the build stale (the entry then runs the sources through tsx).
    const source = path.join(REPO_ROOT, 'main', 'core', 'timing-trace.ts');
    const before = await fs.stat(source);
    try {
      const later = new Date(Date.now() + 60_000);
      await fs.utimes(source, later, later);
      expect(fresh()).toBe('false');
      expect(await runPhotobind(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    } finally {
      await fs.utimes(source, before.atime, before.mtime);
    }
    expect(fresh()).toBe('true');
  });
});
