// The preload: the renderer's only bridge (context-isolated, sandboxed). It passes on the MessagePort
// to the core, offers a native folder picker and shows a library photo in the file manager; nothing else
// of Electron or Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { API_PORT_CHANNEL, PICK_FOLDER_CHANNEL, SHOW_IN_FOLDER_CHANNEL } from '../common/api/shell-channels.ts';

ipcRenderer.on(API_PORT_CHANNEL, (event) => {
  const [port] = event.ports;
  // MessagePorts cannot cross contextBridge: post it to the page's own window instead.
  if (port) window.postMessage(API_PORT_CHANNEL, window.location.origin, [port]);
});

contextBridge.exposeInMainWorld('photobindShell', {
  kind: 'electron',
  pickFolder: (): Promise<string | null> => ipcRenderer.invoke(PICK_FOLDER_CHANNEL) as Promise<string | null>,
  showInFolder: (path: string): Promise<boolean> => ipcRenderer.invoke(SHOW_IN_FOLDER_CHANNEL, path) as Promise<boolean>,
});
