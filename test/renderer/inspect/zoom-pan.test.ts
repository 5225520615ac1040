import { describe, expect, it } from 'vitest';
import { FITTED, MAX_ZOOM, panBy, placement, zoomBy } from '../../../renderer/src/inspect/zoom-pan';

const PANEL = { width: 729, height: 600 };
const TILE = { width: 256, height: 102 };
const FRAME = { width: 640, height: 480 };

function inside(p: { left: number; top: number; width: number; height: number }, v: { width: number; height: number }) {
  return p.left >= -1e-9 && p.top >= -1e-9 && p.left + p.width <= v.width + 1e-9 && p.top + p.height <= v.height + 1e-9;
}

describe('zoom and pan of a letterboxed image', () => {
  it.each([
    ['a 256 x 102 tile', TILE],
    ['a 640 x 480 frame', FRAME],
    ['a tall 100 x 900 part', { width: 100, height: 900 }],
  ])('fits %s whole, aspect ratio kept, centred and touching two sides', (_name, image) => {
    const p = placement(FITTED, image, PANEL);
    expect(inside(p, PANEL)).toBe(true);
    expect(p.width / p.height).toBeCloseTo(image.width / image.height, 9);
    expect(Math.min(PANEL.width - p.width, PANEL.height - p.height)).toBeCloseTo(0, 9);
    expect(p.left + p.width / 2).toBeCloseTo(PANEL.width / 2, 9);
    expect(p.top + p.height / 2).toBeCloseTo(PANEL.height / 2, 9);
  });

  it('keeps the image point under the pointer while zooming, within 1x to the maximum', () => {
    const before = placement(FITTED, FRAME, PANEL);
    const at = { x: before.left + before.width * 0.8, y: before.top + before.height * 0.3 };
    const zoomed = zoomBy(FITTED, 2, FRAME, PANEL, at);
    const after = placement(zoomed, FRAME, PANEL);
    expect(zoomed.zoom).toBe(2);
    expect((at.x - after.left) / after.width).toBeCloseTo(0.8, 9);
    expect((at.y - after.top) / after.height).toBeCloseTo(0.3, 9);
    expect(zoomBy(zoomed, 100, FRAME, PANEL).zoom).toBe(MAX_ZOOM);
    expect(zoomBy(zoomed, 0.01, FRAME, PANEL)).toEqual(FITTED);
  });

  it('pans a zoomed image as far as its edges and no further; a fitted one does not move', () => {
    expect(panBy(FITTED, 300, -200, FRAME, PANEL)).toEqual(FITTED);
    const zoomed = zoomBy(FITTED, 4, FRAME, PANEL);
    const p0 = placement(zoomed, FRAME, PANEL);
    const moved = placement(panBy(zoomed, 50, -30, FRAME, PANEL), FRAME, PANEL);
    expect(moved.left - p0.left).toBeCloseTo(50, 9);
    expect(moved.top - p0.top).toBeCloseTo(-30, 9);
    const farLeft = placement(panBy(zoomed, 1e6, 1e6, FRAME, PANEL), FRAME, PANEL);
    expect(farLeft.left).toBeCloseTo(0, 9);
    expect(farLeft.top).toBeCloseTo(0, 9);
    const farRight = placement(panBy(zoomed, -1e6, -1e6, FRAME, PANEL), FRAME, PANEL);
    expect(farRight.left + farRight.width).toBeCloseTo(PANEL.width, 9);
    expect(farRight.top + farRight.height).toBeCloseTo(PANEL.height, 9);
  });

  it('keeps a zoomed tile centred on the axis it still does not fill', () => {
    const p = placement(zoomBy(FITTED, 2, TILE, PANEL, { x: 10, y: 10 }), TILE, PANEL);
    // 256 x 102 at 729 px wide is 290 px high; twice that is still under 600 px.
    expect(p.top + p.height / 2).toBeCloseTo(PANEL.height / 2, 9);
  });
});
