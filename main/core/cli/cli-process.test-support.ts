// Test support: runs the real `photobind` command in a child process and collects its output.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../models/model-catalog.ts';

export const CLI = path.join(REPO_ROOT, 'bin', 'photobind.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runPhotobind(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every command names its library on its first stderr line; this is the rest of stderr. */
export function stderrAfterLibraryLine(run: CliRun): string {
  return run.stderr.replace(/^photobind: library .*\n/, '');
}

/** The parsed stdout of a `--json` run that succeeded and printed nothing on stderr but the library line. */
export function parseJsonRun<T>(run: CliRun): T {
  expect(stderrAfterLibraryLine(run)).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** `photobind(...args)` and `json<T>(...args)` (with --json, parsed) against the library `library()` names. */
export function cliFor(library: () => string): { photobind: (...args: string[]) => Promise<CliRun>; json: <T>(...args: string[]) => Promise<T> } {
  const photobind = (...args: string[]) => runPhotobind(args, { PHOTOBIND_LIBRARY: library() });
  return { photobind, json: async <T>(...args: string[]) => parseJsonRun<T>(await photobind(...args, '--json')) };
}
