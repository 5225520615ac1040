import sharp from 'sharp';
import { StationError } from '../../common/errors';

/** Encodes an anomaly map in [0,1] as an 8-bit grey PNG (value/255 = map value). */
export async function encodeMapPng(map: Float32Array, width: number, height: number): Promise<Uint8Array> {
  if (map.length !== width * height) {
    throw new StationError('INTERNAL', `Anomaly map has ${map.length} values, expected ${width}x${height}`);
  }
  const bytes = Buffer.alloc(map.length);
  for (let i = 0; i < map.length; i++) {
    const v = map[i] as number;
    bytes[i] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0;
  }
  return sharp(bytes, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}

/** Reads a map PNG written by `encodeMapPng` back into [0,1] floats. */
export async function decodeMapPng(png: Uint8Array): Promise<{ map: Float32Array; width: number; height: number }> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const map = new Float32Array(info.width * info.height);
  for (let i = 0; i < map.length; i++) map[i] = (data[i] ?? 0) / 255;
  return { map, width: info.width, height: info.height };
}
