// The library lock across real processes: a live holder makes others wait (and say who it is), a dead
// holder's lock is taken over, and eight processes contending for it never overlap.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../models/model-catalog.ts';
import { acquireLibraryLock, currentHolder, LibraryBusyError, LOCK_FILE, type LockHolder } from './library-lock.ts';

const SUPPORT = path.join(REPO_ROOT, 'main/core/library/library-lock.test-support.ts');
let tmp: string;

function holderProcess(library: string, holdMs: number, log: string, command: string): { child: ChildProcess; held: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run-ts.js'), SUPPORT, library, String(holdMs), log, command], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, held, exited };
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-lock-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('library lock', () => {
  it('a second writer waits, naming the holder, and gets the lock once the holder is killed', async () => {
    const library = path.join(tmp, 'killed');
    const holder = holderProcess(library, 60_000, path.join(tmp, 'killed.log'), 'photobind index /photos');
    await holder.held;
    expect(await currentHolder(library)).toMatchObject({ pid: holder.child.pid, command: 'photobind index /photos', host: os.hostname() });
    const said: string[] = [];
    const busy = await acquireLibraryLock(library, { command: 'test', timeoutMs: 300, pollMs: 20, onWait: (_holder, message) => said.push(message) }).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(LibraryBusyError);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`\`photobind index /photos\` (pid ${holder.child.pid} on ${os.hostname()}`);
    // kill -9: no chance to clean up; the lock file stays, and its pid is gone.
    holder.child.kill('SIGKILL');
    await holder.exited;
    await expect(fs.stat(path.join(library, LOCK_FILE))).resolves.toBeTruthy();
    const lock = await acquireLibraryLock(library, { command: 'test', timeoutMs: 5000, pollMs: 20 });
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
    await expect(fs.stat(path.join(library, LOCK_FILE))).rejects.toThrow();
  }, 60_000);

  it('eight processes contending for one library never hold it at the same time', async () => {
    const library = path.join(tmp, 'contended');
    const log = path.join(tmp, 'contended.log');
    const holders = Array.from({ length: 8 }, (_, i) => holderProcess(library, 150, log, `writer ${i}`));
    expect(await Promise.all(holders.map((h) => h.exited))).toEqual(holders.map(() => 0));
    const lines = (await fs.readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(16);
    // Strictly alternating: every "enter" is followed by the same process's "leave".
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, pid] = lines[i]!.split(' ');
      expect(enter).toBe('enter');
      expect(lines[i + 1]).toBe(`leave ${pid}`);
    }
    expect(await currentHolder(library)).toBeNull();
  }, 120_000);

  it('respects a lock from another host, takes over an empty one left by a crash, and is shared within a process', async () => {
    const library = path.join(tmp, 'cases');
    await fs.mkdir(library, { recursive: true });
    const file = path.join(library, LOCK_FILE);
    const remote: LockHolder = { pid: 1, host: 'another-host.local', command: 'Photobind app', since: new Date().toISOString() };
    await fs.writeFile(file, JSON.stringify(remote));
    await expect(acquireLibraryLock(library, { command: 'test', timeoutMs: 200, pollMs: 20 })).rejects.toThrow(/in use by `Photobind app` \(pid 1 on another-host.local/);
    await fs.writeFile(file, '');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(file, old, old);
    const first = await acquireLibraryLock(library, { command: 'outer', timeoutMs: 2000, pollMs: 20 });
    const nested = await acquireLibraryLock(library, { command: 'inner', timeoutMs: 200, pollMs: 20 });
    await nested.release();
    expect(await currentHolder(library)).toMatchObject({ command: 'outer', pid: process.pid });
    await first.release();
    expect(await currentHolder(library)).toBeNull();
  });
});
