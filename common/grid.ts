/**
 * The 3x3 location grid of the answer grammar (docs/contracts.md §Answer grammar).
 * Cells are indexed row-major: 0 = top left ... 8 = bottom right.
 */
export const GRID_CELLS = [
  'top left',
  'top',
  'top right',
  'left',
  'center',
  'right',
  'bottom left',
  'bottom',
  'bottom right',
] as const;

export type GridCell = (typeof GRID_CELLS)[number];

/** Cell index (0..8) that contains the point (x, y), given in pixels of an image of width x height. */
export function cellOfPoint(x: number, y: number, width: number, height: number): number {
  const col = Math.min(2, Math.max(0, Math.floor((x / width) * 3)));
  const row = Math.min(2, Math.max(0, Math.floor((y / height) * 3)));
  return row * 3 + col;
}
