import type { RgbImage } from '../../imaging/rgb-image';
import type { Tensor } from '../../inference/onnx-runtime';

export interface InputSpec {
  width: number;
  height: number;
  /** Per-channel mean/std on the [0,1] scale, or null to feed plain [0,1] RGB. */
  normalize: { mean: readonly number[]; std: readonly number[] } | null;
}

/**
 * The image as the export's `input`: float32 (1, 3, H, W), RGB in [0,1], bilinear-resized
 * (half-pixel centres, as cv2.resize in anomalib's inferencers), optionally mean/std-normalised.
 */
export function imageToInputTensor(image: RgbImage, spec: InputSpec): Tensor {
  const { width: W, height: H } = spec;
  const plane = W * H;
  const out = new Float32Array(3 * plane);
  const sx = image.width / W;
  const sy = image.height / H;
  const mean = spec.normalize?.mean ?? [0, 0, 0];
  const std = spec.normalize?.std ?? [1, 1, 1];
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p00 = image.data[(y0 * image.width + x0) * 3 + c] as number;
        const p01 = image.data[(y0 * image.width + x1) * 3 + c] as number;
        const p10 = image.data[(y1 * image.width + x0) * 3 + c] as number;
        const p11 = image.data[(y1 * image.width + x1) * 3 + c] as number;
        const top = p00 + (p01 - p00) * wx;
        const bottom = p10 + (p11 - p10) * wx;
        const value = (top + (bottom - top) * wy) / 255;
        out[c * plane + y * W + x] = (value - (mean[c] as number)) / (std[c] as number);
      }
    }
  }
  return { data: out, dims: [1, 3, H, W] };
}
