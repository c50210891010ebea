// Where a library lives on disk: --library, then PHOTOBIND_LIBRARY, then the OS's per-user data folder.
import os from 'node:os';
import path from 'node:path';

export function defaultLibraryDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Photobind', 'library');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Photobind', 'library');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'photobind', 'library');
}

export function resolveLibraryDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.PHOTOBIND_LIBRARY ?? defaultLibraryDir(process.platform, env);
  return path.resolve(chosen);
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
    conversations: path.join(libraryDir, 'conversations'),
  };
}
export type LibraryLayout = ReturnType<typeof libraryLayout>;
