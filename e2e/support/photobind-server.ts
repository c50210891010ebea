// Starts the real `photobind serve --port 0` on a temp library for the end-to-end tests and reads the
// URL from its first line of output (as a person would copy it).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(REPO_ROOT, 'e2e', 'artifacts');

export interface PhotobindServer {
  url: string;
  origin: string;
  port: number;
  secret: string;
  library: string;
  /** A scratch folder next to the library, for folders the tests add. */
  scratch: string;
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  demoCount: number;
  /** `--models SET` (default toy); null: no flag, the library's own (a new library: the real models). */
  models?: string | null;
  /** `--library DIR` (default: a scratch folder); null: no flag, the per-user library of the server's HOME. */
  libraryDir?: string | null;
  /** Extra environment for the server (a private HOME, PHOTOBIND_HUB_URL, ...). */
  env?: Record<string, string>;
}

export async function startPhotobindServer(options: StartOptions): Promise<PhotobindServer> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-e2e-'));
  const library = options.libraryDir === null ? null : (options.libraryDir ?? path.join(scratch, 'library'));
  const models = options.models === null ? null : (options.models ?? 'toy');
  const args = ['bin/photobind.js', 'serve', '--port', '0', '--json', ...(library ? ['--library', library] : []), ...(models ? ['--models', models] : []), '--demo-count', String(options.demoCount)];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`photobind serve exited (${code}) before printing its URL:\n${stderr}`)));
    setTimeout(() => reject(new Error(`photobind serve printed no URL within 90 s:\n${stderr}`)), 90_000).unref();
  });
  const { url, library: opened } = JSON.parse(firstLine) as { url: string; library: string };
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    secret: parsed.searchParams.get('token')!,
    library: library ?? opened,
    scratch,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await fs.rm(scratch, { recursive: true, force: true });
    },
  };
}
