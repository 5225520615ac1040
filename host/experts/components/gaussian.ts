/**
 * Normalised 1-D Gaussian kernel, truncated at 4 sigma (the anomalib/PatchCore convention:
 * size 2*round(4*sigma)+1).
 */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.round(4 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / sum;
  return kernel;
}
