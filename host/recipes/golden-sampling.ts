import type { GoldenSampling } from '../../common/api';

/**
 * At most `max` of `files` (already in name order), evenly spaced over the whole list: a long
 * capture run keeps its spread (start, middle and end of a shift) instead of its first `max`
 * images, and the same folder always gives the same sample.
 */
export function sampleGoldenFiles(files: readonly string[], max: number): { files: string[]; sampling: GoldenSampling | null } {
  if (files.length <= max) return { files: [...files], sampling: null };
  const picked = Array.from({ length: max }, (_, i) => files[Math.floor((i * files.length) / max)] as string);
  return { files: picked, sampling: { used: max, available: files.length, method: 'evenly spaced by name' } };
}

/** The sentence `recipe create` prints for a sampled golden set. */
export function goldenSamplingNote(sampling: GoldenSampling): string {
  return `using ${sampling.used} of ${sampling.available} golden images, ${sampling.method}`;
}
