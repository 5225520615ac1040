import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackbone } from '../../../host/models/registry';
import { fetchModel, importModel, listModels, readBackbone, storedPath } from '../../../host/models/store';
import { BACKBONE_FILE, HAS_BACKBONE, SKIP_BACKBONE } from '../experts/shared-fixtures';
import { errorOf } from '../../support/error-of';

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

  it.skipIf(!HAS_BACKBONE)('imports and fetches the real backbone, verified, with progress', async () => {
    const dir = await fresh();
    const info = await importModel(dir, BACKBONE_FILE);
    expect(info).toMatchObject({ name: 'mobilenetv2-12-int8', sha256: getBackbone('mobilenetv2-12-int8').sha256 });
    const other = await fresh();
    const progress: number[] = [];
    const bytes = await readFile(BACKBONE_FILE);
    await fetchModel(other, 'mobilenetv2-12-int8', { fetchImpl: serving(bytes), onProgress: (r) => progress.push(r) });
    expect(progress.length).toBe(3);
    expect(progress.at(-1)).toBe(bytes.length);
    const listed = await listModels(other);
    expect(listed.map((m) => [m.name, m.sizeBytes])).toEqual([['mobilenetv2-12-int8', bytes.length]]);
    // A stored file that was damaged later is refused on load.
    await writeFile(storedPath(other, getBackbone('mobilenetv2-12-int8')), bytes.subarray(0, 1000));
    expect((await errorOf(readBackbone(other, 'mobilenetv2-12-int8'))).code).toBe('BAD_MODEL');
  });
  if (!HAS_BACKBONE) it.skip(SKIP_BACKBONE, () => undefined);
});
