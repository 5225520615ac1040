import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildFeatureModel } from '../../../host/models/feature-taps';
import { decodeModel, encodeModel, type GraphProto } from '../../../host/models/onnx-graph';
import { getBackbone } from '../../../host/models/registry';
import { findTaps } from '../../../host/models/tap-lookup';
import { loadSession } from '../../../host/inference/onnx-runtime';
import { BACKBONE_FILE, HAS_BACKBONE, SKIP_BACKBONE } from '../experts/shared-fixtures';
import { chainBackbone, forkedBackbone, strideOneBackbone, tinySpec } from './tiny-backbones';
import { thrownBy as thrown } from '../../support/error-of';

const mobilenet = getBackbone('mobilenetv2-12-int8');
const graphOf = (bytes: Uint8Array) => decodeModel(bytes, 'test').graph as GraphProto;

describe('taps found by structure', () => {
  it('picks the last add of a stage, by channels and stride, whatever its tensor is called', () => {
    const spec = tinySpec(null, null);
    const found = findTaps(graphOf(chainBackbone()), spec, spec.taps);
    expect(found.inputName).toBe('image');
    expect(found.taps.map((t) => [t.tensor, t.dequantize])).toEqual([['s2_add2', null]]);
  });

  it('refuses a graph whose stage sits at another stride, naming the tap and what the graph has', () => {
    const spec = tinySpec(null, null);
    const err = thrown(() => findTaps(graphOf(strideOneBackbone()), spec, spec.taps));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toBe(
      'Backbone tiny-fp32 does not fit tap stage2: it has no Add output with 8 channels at stride 2 (its Add outputs: 8 channels at stride 1)',
    );
  });

  it('refuses two matching adds on parallel branches as ambiguous', () => {
    const spec = tinySpec(null, null);
    expect(thrown(() => findTaps(graphOf(forkedBackbone()), spec, spec.taps)).message).toMatch(
      /does not fit tap stage2: its 2 Add output with 8 channels at stride 2s are not one chain/,
    );
  });

  it('refuses a graph without one RGB image input', () => {
    const m = decodeModel(chainBackbone(), 'x');
    const dim = m.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[1];
    if (dim) dim.dimValue = 1;
    const spec = tinySpec(null, null);
    expect(thrown(() => findTaps(m.graph as GraphProto, spec, spec.taps)).message).toBe(
      'Backbone tiny-fp32 input "image" has shape [batch,1,32,32]; expected [N,3,H,W] RGB',
    );
  });

  it('builds a working feature model on an fp32 graph found by structure', async () => {
    const spec = tinySpec(null, null);
    const model = buildFeatureModel(chainBackbone(), spec, { taps: ['stage2'], inputWidth: 64, inputHeight: 64 });
    expect([model.gridWidth, model.gridHeight, model.dim]).toEqual([32, 32, 8]);
    const session = await loadSession(model.bytes, { device: 'cpu' });
    const out = await session.run({ pixels: { data: new Float32Array(3 * 64 * 64).fill(200), dims: [1, 3, 64, 64] } });
    expect(out.embedding?.dims).toEqual([1, 32 * 32, 8]);
  });
});

describe.skipIf(!HAS_BACKBONE)('taps found by structure on the real backbone', () => {
  it('finds the tensors the registry named before the lookup was structural, with their own quantisation', async () => {
    const found = findTaps(graphOf(await readFile(BACKBONE_FILE)), mobilenet, mobilenet.taps);
    expect(found.inputName).toBe('input');
    expect(found.taps.map((t) => [t.tap.name, t.tensor, t.dequantize?.scale, t.dequantize?.zeroPoint])).toEqual([
      ['features.3', '339_quantized', '339_scale', '339_zero_point'],
      ['features.6', '365_quantized', '365_scale', '365_zero_point'],
      ['features.10', '400_quantized', '400_scale', '400_zero_point'],
      ['features.13', '426_quantized', '426_scale', '426_zero_point'],
      ['features.16', '452_quantized', '452_scale', '452_zero_point'],
    ]);
  });

  it('finds the same taps after every tensor is renamed', async () => {
    const m = decodeModel(await readFile(BACKBONE_FILE), 'x');
    const rename = (n: string) => (n === '' ? n : `t_${n}`);
    const graph = m.graph as GraphProto;
    for (const i of graph.input ?? []) i.name = rename(i.name ?? '');
    for (const t of graph.initializer ?? []) t.name = rename(t.name ?? '');
    for (const n of graph.node ?? []) {
      n.input = (n.input ?? []).map(rename);
      n.output = (n.output ?? []).map(rename);
    }
    const found = findTaps(graphOf(encodeModel(m)), mobilenet, mobilenet.taps);
    expect(found.taps.map((t) => t.tensor)).toEqual(['339', '365', '400', '426', '452'].map((n) => `t_${n}_quantized`));
  });

  it('refuses the real graph with one stage stride changed, naming the tap that no longer fits', async () => {
    const m = decodeModel(await readFile(BACKBONE_FILE), 'x');
    // The depthwise convolution that opens the 32-channel stage (stride 2): at stride 1 that stage
    // and every later one sit at half their stride.
    const opener = (m.graph?.node ?? []).filter((n) => n.opType === 'QLinearConv')[10];
    const strides = opener?.attribute?.find((a) => a.name === 'strides');
    expect(strides?.ints?.map(Number)).toEqual([2, 2]);
    if (strides) strides.ints = [1, 1];
    const err = thrown(() => findTaps(graphOf(encodeModel(m)), mobilenet, mobilenet.taps));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toMatch(/^Backbone mobilenetv2-12-int8 does not fit tap features.6: it has no QLinearAdd output with 32 channels at stride 8 \(its QLinearAdd outputs: 24 channels at stride 4; 32 channels at stride 4; /);
  });
});
if (!HAS_BACKBONE) describe.skip(SKIP_BACKBONE, () => undefined);
