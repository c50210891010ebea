// Remembers the window's size, position and maximised state between runs (userData/window-state.json).
import fs from 'node:fs';
import path from 'node:path';
import { app, screen, type BrowserWindow, type Rectangle } from 'electron';

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };

function stateFile(): string {
  return path.join(app.getPath('userData'), 'window-state.json');
}

/** The saved state, if it still fits on a connected display (a monitor may have been unplugged). */
export function loadWindowState(): WindowState {
  try {
    const saved = JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as WindowState;
    const { x, y, width, height } = saved.bounds;
    const visible = screen.getAllDisplays().some(({ workArea: a }) => x < a.x + a.width - 40 && x + width > a.x + 40 && y >= a.y - 10 && y < a.y + a.height - 40);
    if (visible && width >= 480 && height >= 360) return saved;
  } catch {
    // First run, or an unreadable file: use the default.
  }
  const { workArea } = screen.getPrimaryDisplay();
  const width = Math.min(DEFAULT.bounds.width, workArea.width);
  const height = Math.min(DEFAULT.bounds.height, workArea.height);
  return { maximized: false, bounds: { x: workArea.x + Math.round((workArea.width - width) / 2), y: workArea.y + Math.round((workArea.height - height) / 2), width, height } };
}

/** Saves the window's state whenever it settles after a move or resize, and on close. */
export function trackWindowState(window: BrowserWindow): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (window.isDestroyed()) return;
    const state: WindowState = { bounds: window.isMaximized() ? window.getNormalBounds() : window.getBounds(), maximized: window.isMaximized() };
    try {
      fs.mkdirSync(path.dirname(stateFile()), { recursive: true });
      fs.writeFileSync(stateFile(), JSON.stringify(state));
    } catch {
      // Not being able to remember the window is not worth bothering anyone about.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', later);
  window.on('close', () => {
    clearTimeout(timer);
    save();
  });
}
