/** An 8-bit RGB image, row-major, interleaved (H, W, 3). The one in-memory image type of the host. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export function assertRgbImage(image: RgbImage): void {
  if (image.data.length !== image.width * image.height * 3) {
    throw new RangeError(`RGB buffer of ${image.data.length} bytes does not match ${image.width}x${image.height}x3`);
  }
}
