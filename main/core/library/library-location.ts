// Where a library lives on disk: --library, then PHOTOBIND_LIBRARY, then the OS's per-user data folder
// (or, until that library exists, the demo library `photobind demo` made: see chooseLibrary).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function defaultLibraryDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Photobind', 'library');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Photobind', 'library');
  // The XDG spec: an empty or relative XDG_DATA_HOME is ignored.
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'photobind', 'library');
}

export function resolveLibraryDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag || env.PHOTOBIND_LIBRARY || defaultLibraryDir(process.platform, env);
  return path.resolve(chosen);
}

/** The library `photobind demo` indexes with the toy models: a sibling of the per-user library, never mixed with it. */
export function demoLibraryDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return path.join(path.dirname(defaultLibraryDir(platform, env, home)), 'demo-library');
}

export interface LibraryChoice {
  dir: string;
  /** Why this folder: the --library flag, $PHOTOBIND_LIBRARY, the per-user library, or the demo library. */
  source: 'flag' | 'env' | 'default' | 'demo';
}

/**
 * The library a command works on. Right after `photobind demo` there is no per-user library yet, so
 * commands without --library use the demo library (the README's tour runs as written) until a folder of
 * the user's own is indexed: `forNewFolders` (index FOLDER outside the demo library) creates the per-user
 * library instead, so a user's photos never land in the toy-model demo library by default.
 */
export function chooseLibrary(flag: string | undefined, options: { env?: NodeJS.ProcessEnv; forNewFolders?: boolean } = {}): LibraryChoice {
  const env = options.env ?? process.env;
  if (flag) return { dir: path.resolve(flag), source: 'flag' };
  if (env.PHOTOBIND_LIBRARY) return { dir: path.resolve(env.PHOTOBIND_LIBRARY), source: 'env' };
  const own = defaultLibraryDir(process.platform, env);
  const demo = demoLibraryDir(process.platform, env);
  const isLibrary = (dir: string) => existsSync(libraryLayout(dir).settings);
  if (!options.forNewFolders && !isLibrary(own) && isLibrary(demo)) return { dir: demo, source: 'demo' };
  return { dir: own, source: 'default' };
}

/** The fixed layout inside a library folder. */
export function libraryLayout(libraryDir: string) {
  return {
    root: libraryDir,
    database: path.join(libraryDir, 'db'),
    thumbnails: path.join(libraryDir, 'thumbnails'),
    models: path.join(libraryDir, 'models'),
    settings: path.join(libraryDir, 'settings.json'),
    indexState: path.join(libraryDir, 'index-state.json'),
    /** The model process's last device report (see [Note: status without the model process]). */
    deviceState: path.join(libraryDir, 'device.json'),
    conversations: path.join(libraryDir, 'conversations'),
  };
}
export type LibraryLayout = ReturnType<typeof libraryLayout>;
