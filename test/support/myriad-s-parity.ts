import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialogRequest } from '../../host/lmm/dialog-model';
import type { MyriadSConfig } from '../../host/lmm/myriad-s/config';

/** What export.py --parity writes to DIR/parity/parity.json (PyTorch's view of one prompt). */
export interface ParityCase {
  prompt: string;
  product: string;
  instructions: string[];
  input_ids: number[];
  first_logits: number[];
  generated_ids: number[];
  generated_text: string;
  tokenizer_cases: Array<[string, number[]]>;
}

export function readFloats(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readParityCase(exportDir: string): ParityCase {
  return JSON.parse(readFileSync(join(exportDir, 'parity/parity.json'), 'utf8')) as ParityCase;
}

/** The parity prompt as the station would hand it over: features as (patches, dim), the file holds (C, S, S). */
export function parityRequest(exportDir: string, config: MyriadSConfig, parity: ParityCase): DialogRequest {
  const C = config.backbone.feature_channels;
  const S = config.backbone.feature_height;
  const chw = readFloats(join(exportDir, 'parity/features.bin'));
  const embedding = new Float32Array(C * S * S);
  for (let c = 0; c < C; c++) for (let p = 0; p < S * S; p++) embedding[p * C + c] = chw[c * S * S + p] as number;
  return {
    product: parity.product,
    instructions: parity.instructions,
    anomaly: { map: readFloats(join(exportDir, 'parity/anomaly_map.bin')), mapWidth: config.map_width, mapHeight: config.map_height, score: 0.9 },
    features: { data: embedding, dim: C, gridWidth: S, gridHeight: S },
    history: [],
    question: null,
  };
}

/** Largest absolute difference between PyTorch's first logits and ours. */
export function maxLogitDiff(parity: ParityCase, logits: Float32Array): number {
  let maxDiff = 0;
  parity.first_logits.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - (logits[i] as number)))));
  return maxDiff;
}
