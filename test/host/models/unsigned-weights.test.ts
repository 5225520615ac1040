import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PROBE_INPUT,
  PROBE_LEVELS,
  probeLevels,
  saturationProbeGraph,
  signedInt8IsExact,
} from '../../../host/models/int8-exactness';
import { DataType, type GraphProto, type TensorProto, encodeModel, newModel, node } from '../../../host/models/onnx-graph';
import { unsignedWeights } from '../../../host/models/unsigned-weights';
import { QEMU, ROOT, SKIP_QEMU, runNodeOn, type Cpu } from '../../support/emulated-cpu';
import { thrownBy } from '../../support/error-of';
import { writeExport } from '../experts/anomalib/anomalib-fixtures';
import { buildInt8V2Model } from '../experts/anomalib/int8-export';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../experts/shared-fixtures';

/**
 * ONNX Runtime's uint8 x int8 kernel on CPUs with AVX2 but no VNNI saturates pairs of products at
 * 16 bits. Where QEMU's user-mode emulator is installed, these tests run the same graphs natively,
 * on an emulated Haswell and on an emulated Nehalem (test/support/emulated-cpu.ts).
 */
if (!QEMU) console.warn(SKIP_QEMU);

/** Runs `node ARGS` natively or on an emulated CPU model; returns the float32 file it wrote. */
function nodeOn(cpu: Cpu, args: string[], out: string): Float32Array {
  runNodeOn(cpu, args);
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** The probe graph (its weights as given) run on `cpu`: its output levels. */
async function probeOn(cpu: Cpu, graph: GraphProto): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'myriad-cpu-'));
  await writeFile(join(dir, 'm.onnx'), encodeModel(newModel(graph)));
  await writeFile(join(dir, 'in.f32'), new Uint8Array(PROBE_INPUT.data.buffer.slice(0)));
  const child = resolve(ROOT, 'test/support/onnx-run-child.mjs');
  const args = [child, join(dir, 'm.onnx'), join(dir, 'in.f32'), JSON.stringify(PROBE_INPUT.dims), PROBE_INPUT.name, 'y', join(dir, 'out.f32')];
  return probeLevels(nodeOn(cpu, args, join(dir, 'out.f32')));
}

const unsignedProbe = (): GraphProto => {
  const graph = saturationProbeGraph();
  unsignedWeights(graph, 'probe');
  return graph;
};
const exact = new Array<number>(16).fill(PROBE_LEVELS);

describe('unsignedWeights', () => {
  it('stores int8 weights and their zero points as uint8 shifted by 128, whichever way they were stored', () => {
    const graph = saturationProbeGraph();
    const zero = graph.initializer?.find((t) => t.name === 'w_zero') as TensorProto;
    // int32_data: the other way an int8 initializer can be written.
    Object.assign(zero, { rawData: new Uint8Array(0), int32Data: new Array<number>(16).fill(-3) });
    expect(unsignedWeights(graph, 'g')).toEqual({ rewritten: 2 });
    const byName = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
    expect(byName.get('w')?.dataType).toBe(DataType.UINT8);
    expect(new Set(byName.get('w')?.rawData)).toEqual(new Set([255]));
    expect(byName.get('w_zero')?.dataType).toBe(DataType.UINT8);
    expect(Array.from(byName.get('w_zero')?.rawData ?? [])).toEqual(new Array<number>(16).fill(125));
    expect(byName.get('w_zero')?.int32Data).toEqual([]);
    // Activations and their zero points keep their type.
    expect(byName.get('zero_u8')?.dataType).toBe(DataType.UINT8);
  });

  it('leaves a weight alone when another node reads it in another role', () => {
    const graph = saturationProbeGraph();
    graph.node?.push(node('Identity', ['w_zero'], ['w_zero_copy']));
    expect(unsignedWeights(graph, 'g')).toEqual({ rewritten: 0 });
    expect(graph.initializer?.find((t) => t.name === 'w')?.dataType).toBe(DataType.INT8);
  });

  it('refuses int8 weights whose zero point is of another type, and a weight of the wrong size', () => {
    const mixed = saturationProbeGraph();
    Object.assign(mixed.initializer?.find((t) => t.name === 'w_zero') as TensorProto, { dataType: DataType.UINT8 });
    const err = thrownBy(() => unsignedWeights(mixed, 'Backbone b'));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toMatch(/^Backbone b: QLinearConv .*zero point of another type/);
    const short = saturationProbeGraph();
    Object.assign(short.initializer?.find((t) => t.name === 'w') as TensorProto, { rawData: new Uint8Array(10) });
    expect(thrownBy(() => unsignedWeights(short, 'Backbone b')).message).toMatch(/initializer w holds 10 bytes for 256 values/);
  });

  it('keeps the probe exact on this CPU once its weights are unsigned, and says whether the signed one is', async () => {
    expect(await probeOn('native', unsignedProbe())).toEqual(exact);
    const signedExact = (await probeOn('native', saturationProbeGraph())).every((l) => l === PROBE_LEVELS);
    expect(await signedInt8IsExact('cpu')).toBe(signedExact);
  });

  it.skipIf(!QEMU)('sums exactly on AVX2 without VNNI and on SSE only, where the signed probe is cut on AVX2', async () => {
    // The harness reaches the saturating kernel: on the AVX2 path the signed sums are cut.
    const cut = await probeOn('Haswell', saturationProbeGraph());
    expect(Math.max(...cut)).toBeLessThan(0.75 * PROBE_LEVELS);
    expect(await probeOn('Nehalem', saturationProbeGraph())).toEqual(exact);
    for (const cpu of ['Haswell', 'Nehalem'] as const) expect(await probeOn(cpu, unsignedProbe()), cpu).toEqual(exact);
  });
});

describe.skipIf(!HAS_BACKBONE || !HAS_BOTTLE || !QEMU)('the station\'s features on three CPU paths', () => {
  it('are the same bit for bit natively, on AVX2 without VNNI and on SSE only', async () => {
    const dataDir = await dataDirWithBackbone();
    const dir = join(BOTTLE, 'test/broken_large');
    const image = join(dir, readdirSync(dir).sort()[0] as string);
    const child = resolve(ROOT, 'test/support/embed-child.ts');
    const embedOn = (cpu: Cpu) => {
      const out = join(dataDir, `${cpu}.f32`);
      return nodeOn(cpu, ['--import', 'tsx', child, dataDir, image, out], out);
    };
    const native = embedOn('native');
    expect(native.length).toBe(32 * 32 * 192);
    for (const cpu of ['Haswell', 'Nehalem'] as const) {
      const other = embedOn(cpu);
      expect(Buffer.from(other.buffer).equals(Buffer.from(native.buffer)), cpu).toBe(true);
    }
  }, 300_000);
});

describe.skipIf(!QEMU)('an imported int8 anomalib export on three CPU paths', () => {
  it('scores the same bit for bit natively, on AVX2 without VNNI and on SSE only, at the exact sums', async () => {
    const file = await writeExport(buildInt8V2Model(), null);
    const child = resolve(ROOT, 'test/support/anomalib-child.ts');
    const inspectOn = (cpu: Cpu) => nodeOn(cpu, ['--import', 'tsx', child, file, `${file}.${cpu}.f32`], `${file}.${cpu}.f32`);
    const native = inspectOn('native');
    // 32 x 32 map + score; the white square's sums are exact: map 1 there, 64/255 on the grey
    expect(native.length).toBe(32 * 32 + 1);
    expect(native[0]).toBeCloseTo(1, 2);
    expect(native[32 * 32 - 1]).toBeCloseTo(64 / 255, 2);
    for (const cpu of ['Haswell', 'Nehalem'] as const) {
      const other = inspectOn(cpu);
      expect(Buffer.from(other.buffer).equals(Buffer.from(native.buffer)), cpu).toBe(true);
    }
  }, 300_000);
});
