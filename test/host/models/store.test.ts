import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptedSha256, getBackbone } from '../../../host/models/registry';
import { fetchModel, importModel, listModels, readBackbone, sha256Bytes, storedPath } from '../../../host/models/store';
import { BACKBONE_FILE, HAS_BACKBONE, SKIP_BACKBONE } from '../experts/shared-fixtures';
import { errorOf } from '../../support/error-of';
import { chainBackbone, strideOneBackbone, tinySpec } from './tiny-backbones';

const fresh = () => mkdtemp(join(tmpdir(), 'model-store-'));

/** A fetch that serves `bytes` in 3 chunks with a content-length. */
function serving(bytes: Uint8Array): typeof fetch {
  return (async () => {
    const third = Math.ceil(bytes.length / 3);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += third) c.enqueue(bytes.slice(i, i + third));
        c.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
}

describe('model store', () => {
  it('refuses to import a file whose hash is not pinned, and stores nothing', async () => {
    const dir = await fresh();
    const file = join(dir, 'fake.onnx');
    await writeFile(file, 'definitely not mobilenet');
    const err = await errorOf(importModel(dir, file));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toMatch(/not a known public model/);
    expect(await listModels(dir)).toEqual([]);
  });

  it('says how to add a backbone that is not in the store', async () => {
    const err = await errorOf(readBackbone(await fresh(), 'mobilenetv2-12-int8'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/models -- fetch mobilenetv2-12-int8/);
  });

  it('gives UNAVAILABLE with a clear message when offline', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    }) as typeof fetch;
    const err = await errorOf(fetchModel(await fresh(), 'mobilenetv2-12-int8', { fetchImpl: offline }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/offline or host unreachable \(ENOTFOUND\).*models -- import FILE/);
  });

  it('refuses a download with the wrong hash and leaves neither the model nor a temp file', async () => {
    const dir = await fresh();
    const err = await errorOf(fetchModel(dir, 'mobilenetv2-12-int8', { fetchImpl: serving(new Uint8Array(1000)) }));
    expect(err.code).toBe('BAD_MODEL');
    expect(await listModels(dir)).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses to fetch a registry entry without a pinned hash', async () => {
    const err = await errorOf(fetchModel(await fresh(), 'resnet50-v1-12'));
    expect(err.code).toBe('INVALID_INPUT');
  });

  it('pins the Model Zoo file at a commit-pinned URL and accepts the re-saved copy as a variant', () => {
    const spec = getBackbone('mobilenetv2-12-int8');
    expect(spec.url).toMatch(/^https:\/\/github\.com\/onnx\/models\/raw\/[0-9a-f]{40}\//);
    expect([spec.sha256, spec.sizeBytes]).toEqual(['cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f', 3655033]);
    expect(acceptedSha256(spec)).toEqual([spec.sha256, '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f']);
  });

  it('fetches a pinned backbone whose graph fits, with progress, and refuses one that does not fit', async () => {
    const good = chainBackbone();
    const dir = await fresh();
    const progress: number[] = [];
    const spec = tinySpec(sha256Bytes(good), good.length);
    const info = await fetchModel(dir, spec.name, { backbones: [spec], fetchImpl: serving(good), onProgress: (r) => progress.push(r) });
    expect(info).toMatchObject({ name: 'tiny-fp32', sha256: spec.sha256, sizeBytes: good.length, source: spec.url });
    expect(progress).toEqual([Math.ceil(good.length / 3), 2 * Math.ceil(good.length / 3), good.length]);
    expect(await readFile(storedPath(dir, spec))).toEqual(Buffer.from(good));

    // A file pinned by its hash whose graph has no tap: refused on fetch and on import, nothing stored.
    const wrong = strideOneBackbone();
    const wrongSpec = tinySpec(sha256Bytes(wrong), wrong.length);
    const other = await fresh();
    const fetched = await errorOf(fetchModel(other, wrongSpec.name, { backbones: [wrongSpec], fetchImpl: serving(wrong) }));
    expect(fetched.code).toBe('BAD_MODEL');
    expect(fetched.message).toBe(
      'Downloaded tiny-fp32: Backbone tiny-fp32 does not fit tap stage2: it has no Add output with 8 channels at stride 2 (its Add outputs: 8 channels at stride 1); nothing was stored',
    );
    expect(await readdir(join(other, 'tmp'))).toEqual([]);
    expect(await readdir(join(other, 'models'))).toEqual([]);
    const file = join(other, 'wrong.onnx');
    await writeFile(file, wrong);
    const imported = await errorOf(importModel(other, file, { backbones: [wrongSpec] }));
    expect(imported.message).toMatch(/^wrong.onnx: Backbone tiny-fp32 does not fit tap stage2: .*; nothing was stored$/);
    expect(await readdir(join(other, 'models'))).toEqual([]);
  });

  it.skipIf(!HAS_BACKBONE)('imports the local copy as a byte-variant; refuses it as a download and refuses a tampered copy', async () => {
    const bytes = await readFile(BACKBONE_FILE);
    const dir = await fresh();
    const info = await importModel(dir, BACKBONE_FILE);
    expect(info).toMatchObject({
      name: 'mobilenetv2-12-int8',
      kind: 'backbone (int8, byte-variant)',
      sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
      sizeBytes: 3655640,
    });
    expect((await readBackbone(dir, 'mobilenetv2-12-int8')).sha256).toBe(info.sha256);
    expect((await listModels(dir)).map((m) => [m.name, m.kind])).toEqual([['mobilenetv2-12-int8', 'backbone (int8, byte-variant)']]);

    // The URL serves the published file: the re-saved copy coming from it would be a substitution.
    const other = await fresh();
    const err = await errorOf(fetchModel(other, 'mobilenetv2-12-int8', { fetchImpl: serving(bytes) }));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.message).toMatch(/got 83530ad8.*expected cc028fe6.*nothing was stored/);
    expect(await listModels(other)).toEqual([]);

    // One byte changed: no pinned hash, nothing written.
    const tampered = Buffer.from(bytes);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 100) ^ 0xff, tampered.length - 100);
    const file = join(other, 'mobilenetv2-12-int8.onnx');
    await writeFile(file, tampered);
    const refused = await errorOf(importModel(other, file));
    expect(refused.code).toBe('BAD_MODEL');
    expect(refused.message).toMatch(/^mobilenetv2-12-int8.onnx \(sha256 [0-9a-f]{64}\) is not a known public model/);
    expect(await listModels(other)).toEqual([]);

    // A stored file that was damaged later is refused on load, naming both accepted hashes.
    await writeFile(storedPath(dir, getBackbone('mobilenetv2-12-int8')), tampered);
    const damaged = await errorOf(readBackbone(dir, 'mobilenetv2-12-int8'));
    expect(damaged.code).toBe('BAD_MODEL');
    expect(damaged.message).toMatch(/matches none of the pinned cc028fe6[0-9a-f]+ or 83530ad8[0-9a-f]+\. Import or fetch it again/);
  });
  if (!HAS_BACKBONE) it.skip(SKIP_BACKBONE, () => undefined);
});
