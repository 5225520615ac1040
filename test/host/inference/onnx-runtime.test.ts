import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../common/errors';
import { availableProviders, clearSessionCache, loadSession, resolveDevice } from '../../../host/inference/onnx-runtime';
import { encodeModel, floatTensor, newModel, node, valueInfo } from '../../../host/models/onnx-graph';

/** y = x + [1, 2, 3]: a tiny real model with one input of shape (N, 3). */
function addModel(): Uint8Array {
  return encodeModel(
    newModel({
      name: 'add',
      node: [node('Add', ['x', 'b'], ['y'])],
      initializer: [floatTensor('b', [3], [1, 2, 3])],
      input: [valueInfo('x', ['n', 3])],
      output: [valueInfo('y', ['n', 3])],
    }),
  );
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StationError);
  return (err as StationError).code;
}

describe('resolveDevice', () => {
  it('maps cpu to cpu without a warning', () => {
    expect(resolveDevice('cpu')).toMatchObject({ providers: ['cpu'], active: 'cpu', warning: null });
  });

  it('auto always ends in cpu and warns when it has no GPU provider to try', () => {
    const r = resolveDevice('auto', 'freebsd');
    expect(r.providers).toEqual(['cpu']);
    expect(r.warning).toMatch(/No GPU execution provider.*running on cpu/);
    const linux = resolveDevice('auto', 'linux');
    expect(linux.providers.at(-1)).toBe('cpu');
  });

  it('lists a non-bundled provider only when its library was installed beside the binding', () => {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const cudaLib = readdirSync(join(root, 'bin'), { recursive: true }).some((e) =>
      String(e).endsWith(process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'),
    );
    expect(availableProviders().includes('cuda')).toBe(cudaLib);
    if (!cudaLib && process.platform === 'linux') expect(resolveDevice('auto')).toMatchObject({ active: 'cpu' });
  });

  it('a device this build lacks falls back to cpu with a warning naming it', () => {
    const r = resolveDevice('coreml', 'linux');
    expect(r.active).toBe('cpu');
    expect(r.warning).toMatch(/coreml/);
  });
});

describe('loadSession', () => {
  it('runs a real model and checks feeds against inputNames', async () => {
    const s = await loadSession(addModel(), { device: 'cpu' });
    expect(s.inputNames).toEqual(['x']);
    const out = await s.run({ x: { data: Float32Array.from([1, 1, 1, 2, 2, 2]), dims: [2, 3] } });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([2, 3, 4, 3, 4, 5]);
    const wrongName = s.run({ z: { data: new Float32Array(3), dims: [1, 3] } });
    await expect(wrongName).rejects.toThrow(/expects inputs \[x\] but was fed \[z\]/);
  });

  it('names the input shapes when a run fails', async () => {
    const s = await loadSession(addModel(), { device: 'cpu' });
    const bad = s.run({ x: { data: new Float32Array(4), dims: [1, 4] } });
    await expect(bad).rejects.toThrow(/x\[1,4\]/);
    expect(await codeOf(s.run({ x: { data: new Float32Array(4), dims: [1, 4] } }))).toMatch(/BAD_MODEL|INTERNAL/);
  });

  it('keeps one warm session per model and device', async () => {
    clearSessionCache();
    const a = await loadSession(addModel(), { device: 'cpu' });
    const b = await loadSession(addModel(), { device: 'cpu' });
    expect(a).toBe(b);
  });

  it('refuses missing and damaged model files with BAD_MODEL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ort-'));
    expect(await codeOf(loadSession(join(dir, 'none.onnx'), { device: 'cpu' }))).toBe('BAD_MODEL');
    const damaged = join(dir, 'damaged.onnx');
    await writeFile(damaged, addModel().slice(0, 40));
    expect(await codeOf(loadSession(damaged, { device: 'cpu' }))).toBe('BAD_MODEL');
    await writeFile(damaged, 'not a model at all');
    await expect(loadSession(damaged, { device: 'cpu' })).rejects.toThrow(/damaged or not a valid ONNX model/);
  });
});
