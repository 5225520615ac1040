import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../common/errors';
import { loadSession } from '../../../host/inference/onnx-runtime';
import { buildFeatureModel, cachedFeatureModel } from '../../../host/models/feature-taps';
import { decodeModel, encodeModel, type GraphProto } from '../../../host/models/onnx-graph';
import { getBackbone } from '../../../host/models/registry';
import { readBackbone } from '../../../host/models/store';
import { errorOf } from '../../support/error-of';
import { BACKBONE_FILE, HAS_BACKBONE, SKIP_BACKBONE, dataDirWithBackbone } from '../experts/shared-fixtures';

const spec = getBackbone('mobilenetv2-12-int8');

describe.skipIf(!HAS_BACKBONE)('feature taps on the real backbone', () => {
  it('exposes dequantised taps on one grid: (N, h*w, D) for each input size', async () => {
    const bytes = await readFile(BACKBONE_FILE);
    for (const [w, h, taps, dim] of [
      [256, 256, ['features.6', 'features.13'], 32 + 96],
      [224, 160, ['features.3', 'features.6', 'features.16'], 24 + 32 + 160],
    ] as const) {
      const model = buildFeatureModel(bytes, spec, { taps: [...taps], inputWidth: w, inputHeight: h });
      const stride = Math.min(...taps.map((t) => spec.taps.find((s) => s.name === t)?.stride ?? 0));
      expect([model.gridWidth, model.gridHeight, model.dim]).toEqual([w / stride, h / stride, dim]);
      const session = await loadSession(model.bytes, { device: 'cpu' });
      const pixels = new Float32Array(2 * 3 * w * h).map((_, i) => (i * 37) % 256);
      const out = await session.run({ pixels: { data: pixels, dims: [2, 3, h, w] } });
      expect(out.embedding?.dims).toEqual([2, (w / stride) * (h / stride), dim]);
      const data = out.embedding?.data as Float32Array;
      expect(data.every(Number.isFinite)).toBe(true);
      // Not a constant: the taps carry image content.
      expect(new Set(Array.from(data.subarray(0, 1000))).size).toBeGreaterThan(100);
    }
  });

  it('drops the classifier head', async () => {
    const model = buildFeatureModel(await readFile(BACKBONE_FILE), spec, {
      taps: ['features.6'],
      inputWidth: 64,
      inputHeight: 64,
    });
    const ops = new Set((decodeModel(model.bytes, 'x').graph?.node ?? []).map((n) => n.opType));
    expect(ops.has('QLinearMatMul')).toBe(false);
    expect(ops.has('QLinearGlobalAveragePool')).toBe(false);
  });

  it('refuses a backbone with the wrong input shape or without the taps', async () => {
    const original = await readFile(BACKBONE_FILE);
    const grey = decodeModel(original, 'x');
    const dim = grey.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[1];
    if (dim) dim.dimValue = 1;
    const err = (() => {
      try {
        buildFeatureModel(encodeModel(grey), spec, { taps: ['features.6'], inputWidth: 64, inputHeight: 64 });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('BAD_MODEL');
    expect((err as StationError).message).toMatch(/shape \[batch_size,1,224,224\]; expected \[N,3,H,W\]/);
    expect(() => buildFeatureModel(original, spec, { taps: ['features.99'], inputWidth: 64, inputHeight: 64 })).toThrow(
      /Valid taps: features.3/,
    );
    expect(() => buildFeatureModel(original, spec, { taps: ['features.6'], inputWidth: 100, inputHeight: 64 })).toThrow(
      /multiple of 32/,
    );
  });

  it('caches the edited model by hash under <data-dir>/cache', async () => {
    const dataDir = await dataDirWithBackbone();
    const stored = await readBackbone(dataDir, spec.name);
    const config = { taps: ['features.6'], inputWidth: 64, inputHeight: 64 };
    const first = await cachedFeatureModel(dataDir, stored, config);
    const files = await readdir(join(dataDir, 'cache'));
    expect(files).toHaveLength(1);
    const again = await cachedFeatureModel(dataDir, { ...stored, bytes: new Uint8Array(0) }, config);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    await cachedFeatureModel(dataDir, stored, { ...config, inputWidth: 96 });
    expect(await readdir(join(dataDir, 'cache'))).toHaveLength(2);
    // Another file of the same backbone (a byte-variant) has its own cache entry.
    await cachedFeatureModel(dataDir, { ...stored, sha256: 'f'.repeat(64) }, config);
    expect(await readdir(join(dataDir, 'cache'))).toHaveLength(3);
  });

  it('caches nothing for a backbone that does not fit its taps', async () => {
    const dataDir = await dataDirWithBackbone();
    const stored = await readBackbone(dataDir, spec.name);
    const m = decodeModel(stored.bytes, 'x');
    // Every residual add gone: no tap can be found.
    const graph = m.graph as GraphProto;
    graph.node = (graph.node ?? []).filter((n) => n.opType !== 'QLinearAdd');
    const err = await errorOf(cachedFeatureModel(dataDir, { ...stored, bytes: encodeModel(m), sha256: '0'.repeat(64) }, { taps: ['features.6'], inputWidth: 64, inputHeight: 64 }));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toMatch(/does not fit tap features.6: it has no QLinearAdd output with 32 channels at stride 8 \(its QLinearAdd outputs: none\)/);
    await expect(readdir(join(dataDir, 'cache'))).rejects.toThrow(/ENOENT/);
  });
});
if (!HAS_BACKBONE) describe.skip(SKIP_BACKBONE, () => undefined);
