// Electron main: windows, lifecycle, protocols and security; supervises the core host. Nothing heavy
// runs here: the core (and through it the model process) lives in a utility process.
// [Note: Electron hardening]
// Every renderer is sandboxed with context isolation and no Node; the only bridge is preload/preload.ts
// (a MessagePort to the core and a folder picker). Pages come from photobind-app:// under a strict CSP;
// requests to http(s)/ws(s)/file are cancelled, navigation and new windows are refused, permission
// requests are denied, and pixels come from photobind-media://, which serves only library files.
// The packaged binary has its fuses flipped (electron-builder.yml, electronFuses): no ELECTRON_RUN_AS_NODE,
// no NODE_OPTIONS, no --inspect, the app loads only from app.asar and that archive's integrity is checked,
// so another local program cannot borrow the signed binary to run its own code with the app's rights.
import { API_PORT_CHANNEL, PICK_FOLDER_CHANNEL, SHOW_IN_FOLDER_CHANNEL } from '../../common/api/shell-channels.ts';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, MessageChannelMain, nativeTheme, session, shell, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { createClient } from '../../common/api/rpc.ts';
import { messagePortTransport } from '../../common/api/transports/message-port.transport.ts';
import { APP_ORIGIN, APP_SCHEME, handleProtocols, MEDIA_SCHEME, registerSchemes } from './app-protocols.ts';
import { coreEnvironment } from '../../bin/malloc-tuning.js';
import { coreHostApi, type PortKind } from './core-host.contract.ts';
import { domStylePort } from './message-port-main.ts';
import { loadWindowState, trackWindowState } from './window-state.ts';

/** Keep in step with renderer/src/lib/platform/platform.ts and preload/preload.ts. */

// The app runs from the repository (or the packaged app folder): dist/ holds the builds.
const appRoot = app.getAppPath();
const RENDERER_DIR = path.join(appRoot, 'dist', 'renderer');
const PRELOAD = path.join(appRoot, 'dist', 'electron', 'preload.cjs');
const CORE_HOST_ENTRY = path.join(appRoot, 'bin', 'electron-core-host.js');

registerSchemes();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const window = BrowserWindow.getAllWindows()[0];
    if (!window) return void createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('web-contents-created', (_event, contents) => harden(contents));
  void app.whenReady().then(start);
}

let coreHost: UtilityProcess | undefined;

/** Starts the core host and hands it a port; resolves with a client for main's own needs. */
function startCoreHost() {
  // On Linux the core runs with glibc's allocator tuned for a long-lived LanceDB writer: [Note: glibc malloc in long-running commands].
  coreHost = utilityProcess.fork(CORE_HOST_ENTRY, [], { serviceName: 'Photobind core', stdio: 'inherit', env: coreEnvironment() });
  coreHost.on('exit', (code) => {
    if (code !== 0 && !quitting) {
      dialog.showErrorBox('Photobind stopped', `The Photobind core stopped unexpectedly (exit code ${code}). Please restart Photobind.`);
      app.quit();
    }
  });
  return createClient(coreHostApi, messagePortTransport(domStylePort(connectCore('host'))));
}

/** A new MessagePort pair to the core host; returns main's end. A renderer port names its window. */
function connectCore(kind: PortKind, window?: number) {
  const { port1, port2 } = new MessageChannelMain();
  coreHost!.postMessage({ connect: kind, ...(window !== undefined ? { window } : {}) }, [port2]);
  return port1;
}

let quitting = false;
app.on('before-quit', () => {
  quitting = true;
  coreHost?.kill();
});

function start(): void {
  const host = startCoreHost();
  handleProtocols(RENDERER_DIR, host.ready().then(() => host));
  const ses = session.defaultSession;
  // Nothing remote, ever: the renderer only talks to its own protocols.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*', 'ftp://*/*'] }, (_details, callback) => callback({ cancel: true }));
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event) => {
    if (!event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`)) return null;
    const window = BrowserWindow.fromWebContents(event.sender);
    const options = { title: 'Add a folder to Photobind', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  // Only a photo of the library is shown (the core says which paths are), never any path a page names.
  ipcMain.handle(SHOW_IN_FOLDER_CHANNEL, async (event, file: unknown) => {
    if (!event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`) || typeof file !== 'string' || file.length > 4096) return false;
    await host.ready();
    if (!(await host.media.isLibraryPhoto({ path: file })).known) return false;
    shell.showItemInFolder(file);
    return true;
  });
  createWindow();
}

function createWindow(): void {
  const state = loadWindowState();
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Photobind',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#141517' : '#f6f6f3',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });
  if (state.maximized) window.maximize();
  trackWindowState(window);
  window.once('ready-to-show', () => window.show());
  // Each load (and reload) of the page gets a fresh port to the core, which closes the window's old one;
  // a closed window's port is closed too ([Note: one core port per window]).
  const windowId = window.webContents.id;
  window.webContents.on('did-finish-load', () => {
    window.webContents.postMessage(API_PORT_CHANNEL, null, [connectCore('renderer', windowId)]);
  });
  window.on('closed', () => {
    if (!quitting) coreHost?.postMessage({ windowClosed: windowId });
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

/** See [Note: Electron hardening]. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_SCHEME}:`) && !url.startsWith(`${MEDIA_SCHEME}:`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
