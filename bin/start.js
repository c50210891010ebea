#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary is installed; otherwise (or with --web) web mode,
// which prints the URL and opens it in the browser. Extra arguments go to `photobind serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { builtLayoutFresh } from './built-entry.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const web = args.includes('--web');
let electron = null;
try {
  electron = createRequire(import.meta.url)('electron'); // the binary's path; throws if it was not downloaded
} catch {}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

// The core's JavaScript (dist/core) is rebuilt after an edit, so the app starts fast (see [Note: built layout]).
if (!builtLayoutFresh()) spawnSync(process.execPath, ['bin/build-core.js'], { stdio: 'inherit', cwd: root });

if (!web && typeof electron === 'string' && existsSync(electron)) {
  const built = spawnSync(process.execPath, ['bin/run-ts.js', 'main/electron/build-electron.ts'], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) process.exit(built.status ?? 1);
  run(electron, ['.']);
} else {
  if (!web) console.error('Electron is not installed here, so Photobind opens in your browser instead (web mode).');
  run(process.execPath, ['bin/photobind.js', 'serve', '--open', ...args.filter((a) => a !== '--web')]);
}
