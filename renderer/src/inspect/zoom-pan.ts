/**
 * Zoom and pan of an image shown letterboxed in a viewport. At zoom 1 the whole image fits the
 * viewport with its aspect ratio kept (bars on two sides); zooming keeps the image point under the
 * pointer in place, and panning never lets the image leave a gap on a side it could still cover.
 */

export interface Size {
  width: number;
  height: number;
}

/** `zoom` is relative to the fitted size; (cx, cy) is the image point at the viewport's centre, in [0, 1]. */
export interface ZoomPan {
  zoom: number;
  cx: number;
  cy: number;
}

/** Where the image is drawn, in viewport pixels. */
export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const MAX_ZOOM = 8;
export const ZOOM_STEP = 1.25;
export const FITTED: ZoomPan = { zoom: 1, cx: 0.5, cy: 0.5 };

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The image's size at zoom 1: as large as fits the viewport, aspect ratio kept. */
export function fittedSize(image: Size, viewport: Size): Size {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  return { width: image.width * scale, height: image.height * scale };
}

/** The centre along one axis: centred while the image is narrower than the viewport, else no gap at either edge. */
function clampCentre(c: number, drawn: number, room: number): number {
  if (drawn <= room) return 0.5;
  const half = room / 2 / drawn;
  return clamp(c, half, 1 - half);
}

function constrained(view: ZoomPan, image: Size, viewport: Size): ZoomPan {
  const zoom = clamp(view.zoom, 1, MAX_ZOOM);
  const fit = fittedSize(image, viewport);
  return { zoom, cx: clampCentre(view.cx, fit.width * zoom, viewport.width), cy: clampCentre(view.cy, fit.height * zoom, viewport.height) };
}

export function placement(view: ZoomPan, image: Size, viewport: Size): Placement {
  const v = constrained(view, image, viewport);
  const fit = fittedSize(image, viewport);
  const width = fit.width * v.zoom;
  const height = fit.height * v.zoom;
  return { left: viewport.width / 2 - v.cx * width, top: viewport.height / 2 - v.cy * height, width, height };
}

/** Zooms by `factor` keeping the image point under `at` (viewport pixels; its centre when absent) where it is. */
export function zoomBy(view: ZoomPan, factor: number, image: Size, viewport: Size, at?: { x: number; y: number }): ZoomPan {
  const before = placement(view, image, viewport);
  const point = at ?? { x: viewport.width / 2, y: viewport.height / 2 };
  const u = (point.x - before.left) / before.width;
  const w = (point.y - before.top) / before.height;
  const zoom = clamp(constrained(view, image, viewport).zoom * factor, 1, MAX_ZOOM);
  const fit = fittedSize(image, viewport);
  const left = point.x - u * fit.width * zoom;
  const top = point.y - w * fit.height * zoom;
  return constrained(
    { zoom, cx: (viewport.width / 2 - left) / (fit.width * zoom), cy: (viewport.height / 2 - top) / (fit.height * zoom) },
    image,
    viewport,
  );
}

/** Moves the image by (dx, dy) viewport pixels, as far as it can go. */
export function panBy(view: ZoomPan, dx: number, dy: number, image: Size, viewport: Size): ZoomPan {
  const now = placement(view, image, viewport);
  return constrained({ zoom: view.zoom, cx: view.cx - dx / now.width, cy: view.cy - dy / now.height }, image, viewport);
}
