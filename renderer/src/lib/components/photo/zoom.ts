// The photo view's zoom and pan: a scale and an offset from the centre, zooming about a point (the cursor,
// the pinch's middle) so what is under it stays under it, and panning that never loses the photo.

export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1;
export const MAX_SCALE = 8;
export const IDENTITY: ZoomState = { scale: 1, x: 0, y: 0 };

/**
 * Zooms by a factor about a point given relative to the viewport's centre; the photo fills the viewport
 * (width × height) at scale 1, and the offset is clamped so it never leaves the view.
 */
export function zoomAbout(state: ZoomState, factor: number, cx: number, cy: number, width: number, height: number): ZoomState {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, state.scale * factor));
  const ratio = scale / state.scale;
  return clampPan({ scale, x: cx - (cx - state.x) * ratio, y: cy - (cy - state.y) * ratio }, width, height);
}

export function panBy(state: ZoomState, dx: number, dy: number, width: number, height: number): ZoomState {
  return clampPan({ ...state, x: state.x + dx, y: state.y + dy }, width, height);
}

/** Double-click: zoom in to 2.5× about the point, or back to fit when zoomed. */
export function toggleZoom(state: ZoomState, cx: number, cy: number, width: number, height: number): ZoomState {
  return state.scale > 1.01 ? IDENTITY : zoomAbout(state, 2.5, cx, cy, width, height);
}

export function clampPan(state: ZoomState, width: number, height: number): ZoomState {
  const maxX = ((state.scale - 1) * width) / 2;
  const maxY = ((state.scale - 1) * height) / 2;
  // `+ 0` turns -0 into 0 (the same offset, but equal to IDENTITY).
  return { scale: state.scale, x: Math.min(maxX, Math.max(-maxX, state.x)) + 0, y: Math.min(maxY, Math.max(-maxY, state.y)) + 0 };
}
