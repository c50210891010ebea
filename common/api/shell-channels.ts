// The names of the Electron shell's IPC channels, in one place for main, the preload and the renderer.
/** Main → preload → page: the MessagePort to the core (posted to the page's window under the same name). */
export const API_PORT_CHANNEL = 'photobind:api-port';
/** Page → preload → main: the native folder picker. */
export const PICK_FOLDER_CHANNEL = 'photobind:pick-folder';
/** Page → preload → main: show a library photo in the system's file manager (main checks it is one). */
export const SHOW_IN_FOLDER_CHANNEL = 'photobind:show-in-folder';
