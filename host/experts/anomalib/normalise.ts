import { toMapScale } from '../components/map-normalisation';

/**
 * anomalib's min-max normalisation, which puts its threshold at 0.5 — exactly the station's scale
 * (threshold 0.5). Raw `value` at `threshold` maps to 0.5, and a distance of (max - min) maps to 1.
 */
export function toThresholdScale(value: number, threshold: number, min: number, max: number): number {
  return (value - threshold) / (max - min) + 0.5;
}

/**
 * Normalises a raw v1 map in place into [0,1] as the station's own experts do (toMapScale: above
 * the threshold compressed towards 1 rather than clamped as anomalib does), so the dialog model
 * reads every expert's map on one scale.
 */
export function normaliseMap(map: Float32Array, threshold: number, min: number, max: number): Float32Array {
  for (let i = 0; i < map.length; i++) {
    map[i] = toMapScale(toThresholdScale(map[i] as number, threshold, min, max));
  }
  return map;
}

/**
 * The image score on the station's scale. Clamped at 0 like anomalib, but not at 1: a score beyond the
 * calibration max still ranks parts (the station's scores may exceed 1).
 */
export function normaliseScore(raw: number, threshold: number, min: number, max: number): number {
  return Math.max(0, toThresholdScale(raw, threshold, min, max));
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : Number.isNaN(v) ? 0 : v;
}
