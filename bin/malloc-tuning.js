// Runs the long commands (index, watch, serve, demo) with glibc's allocator tuned for a long-lived
// process that commits to LanceDB for hours. See [Note: glibc malloc in long-running commands].
import { spawn } from 'node:child_process';

// [Note: glibc malloc in long-running commands]
// An index pass commits to LanceDB every 128 photos; each commit makes and frees Arrow buffers on
// LanceDB's threads. glibc gives threads arenas of their own (up to 8 per core) and keeps freed memory
// in them, with a dynamic mmap threshold that rises after the first large free, so large buffers stop
// going back to the system. The core's RSS then grew with the rows written, though nothing held them
// (the JS heap stays ~20 MB, LanceDB's caches were ruled out, reopening the tables changed nothing).
// Measured, 100k rows upserted 128 at a time through PhotoStoreRepository: 491 MB at 61k rows with
// glibc's defaults, 282 MB at 100k with two arenas, trimming above 128 KB and a fixed 128 KB mmap
// threshold (a fresh process committing to the same 100k-row table: ~230 MB), for ~30% more time per
// commit, which the core spends while the model process works. glibc reads these settings only at
// process start, so the long commands start themselves again with them. Only on Linux (other libcs
// ignore the variables, and macOS/Windows allocators differ), and never over a user's own MALLOC_ARENA_MAX.
// The relaunched command runs in its own process group, so a Ctrl-C reaches it once, from here; if
// this process is killed, the IPC channel closes and the command dies at once too (as a killed
// command would: a crash that the next run resumes from).
export const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' };
/** Set in a tuned core to the names it added, so that its model process gets glibc's defaults back (withoutMallocTuning). */
export const TUNED_MARK = 'PHOTOBIND_MALLOC_TUNED';
const LONG_COMMANDS = new Set(['index', 'watch', 'serve', 'demo']);

/** Whether a core started with `env` should get MALLOC_TUNING: on Linux, not tuned yet, no setting of the user's. */
function tuningApplies(env, platform) {
  return platform === 'linux' && env.MALLOC_ARENA_MAX === undefined && env[TUNED_MARK] === undefined;
}

/** Whether this command line should run again with MALLOC_TUNING. */
export function wantsMallocTuning(argv, env = process.env, platform = process.platform) {
  return tuningApplies(env, platform) && LONG_COMMANDS.has(commandName(argv) ?? '');
}

/** The command of a command line: its first word that is neither an option nor a global option's value. */
function commandName(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (GLOBAL_OPTIONS_WITH_VALUE.has(argv[i])) i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}
/** main/core/cli/main.ts's global options that take a value as the next word. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--library', '--models']);

/** The environment for a core process (the app's core host, a relaunched command): `env` with MALLOC_TUNING where it applies. */
export function coreEnvironment(env = process.env, platform = process.platform) {
  return tuningApplies(env, platform) ? { ...env, ...MALLOC_TUNING, [TUNED_MARK]: Object.keys(MALLOC_TUNING).join(',') } : env;
}

/** `env` without what coreEnvironment added, for the core's model process: glibc's defaults, as it was measured. */
export function withoutMallocTuning(env = process.env) {
  const added = env[TUNED_MARK];
  if (added === undefined) return env;
  const rest = { ...env };
  for (const name of [TUNED_MARK, ...added.split(',')]) delete rest[name];
  return rest;
}

/** Runs `script argv` again with MALLOC_TUNING and ends this process as it ends; never returns. */
export function relaunchWithMallocTuning(script, argv) {
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: coreEnvironment(),
    detached: true,
  });
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`photobind: could not start ${script}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
  return new Promise(() => {});
}

/** In the relaunched command: die with the process that started it, and let the channel not keep it alive. */
export function followLauncher() {
  if (process.env[TUNED_MARK] === undefined || !process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
