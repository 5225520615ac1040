/**
 * Dihedral views of a square (3, S, S) pixel tensor: rotations by 90 degrees and mirror images.
 * Used to enlarge tiny golden sets of textures and rotation-invariant parts, and to calibrate
 * from a single golden image (its views stand in for leave-one-out).
 */
export type Augmentation = 'none' | 'flips' | 'dihedral';

export const AUGMENTATIONS: readonly Augmentation[] = ['none', 'flips', 'dihedral'];

/** Views per image: identity first. Non-square inputs only get the flips (rotations change shape). */
export function augmentedViews(pixels: Float32Array, width: number, height: number, mode: Augmentation): Float32Array[] {
  return viewTransforms(width, height, mode).map((t, i) => (i === 0 ? pixels : remap(pixels, width, height, t)));
}

/** View `index` of `augmentedViews` alone, without making the others (index 0: `pixels` itself). */
export function augmentedView(pixels: Float32Array, width: number, height: number, mode: Augmentation, index: number): Float32Array {
  const transform = viewTransforms(width, height, mode)[index];
  if (!transform) throw new RangeError(`augmented view ${index} does not exist for ${mode} views of ${width}x${height}`);
  return index === 0 ? pixels : remap(pixels, width, height, transform);
}

/** View `index` of a one-plane (height, width) mask, as `augmentedView` makes it of pixels; null past the last view. */
export function augmentedPlane(plane: Uint8Array, width: number, height: number, mode: Augmentation, index: number): Uint8Array | null {
  const transform = viewTransforms(width, height, mode)[index];
  if (!transform) return null;
  if (index === 0) return plane;
  const out = new Uint8Array(plane.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = transform(x, y);
      out[y * width + x] = plane[sy * width + sx] as number;
    }
  }
  return out;
}

function viewTransforms(width: number, height: number, mode: Augmentation): ((x: number, y: number) => [number, number])[] {
  if (mode === 'none') return [(x, y) => [x, y]];
  const transforms: ((x: number, y: number) => [number, number])[] = [
    (x, y) => [x, y],
    (x, y) => [width - 1 - x, y],
    (x, y) => [x, height - 1 - y],
    (x, y) => [width - 1 - x, height - 1 - y],
  ];
  if (mode === 'dihedral' && width === height) {
    const n = width - 1;
    transforms.push(
      (x, y) => [y, x],
      (x, y) => [n - y, x],
      (x, y) => [y, n - x],
      (x, y) => [n - y, n - x],
    );
  }
  return transforms;
}

/** out(x, y) = in(source(x, y)), per channel. */
function remap(pixels: Float32Array, width: number, height: number, source: (x: number, y: number) => [number, number]) {
  const plane = width * height;
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y);
      const from = sy * width + sx;
      const to = y * width + x;
      out[to] = pixels[from] as number;
      out[plane + to] = pixels[plane + from] as number;
      out[2 * plane + to] = pixels[2 * plane + from] as number;
    }
  }
  return out;
}
