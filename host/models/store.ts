import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelInfo } from '../../common/api';
import { StationError } from '../../common/errors';
import { dataLayout } from '../paths';
import { fileSystemError, writeFileAtomic } from '../store/atomic-write';
import { decodeModel } from './onnx-graph';
import { BACKBONES, type BackboneSpec, acceptedSha256, findBackboneBySha256, getBackbone } from './registry';
import { findTaps } from './tap-lookup';

/**
 * The model store: <data-dir>/models holds pinned public backbones under their registry file
 * names. Nothing enters it unless its sha256 is one the registry accepts for that backbone (the
 * published file's or a documented variant's) and its graph has every tap the registry lists.
 */

/** A backbone's bytes from the store, with the hash of the file they are (published or a variant). */
export interface StoredBackbone {
  spec: BackboneSpec;
  bytes: Uint8Array;
  sha256: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve());
  });
  return hash.digest('hex');
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function storedPath(dataDir: string, spec: BackboneSpec): string {
  return join(dataLayout(dataDir).models, spec.file);
}

/**
 * The bytes of a backbone from the store, verified against its pinned hash.
 *
 * @throws StationError('NOT_FOUND') when it is not in the store (the message says how to add it),
 *   ('BAD_MODEL') when the stored file does not match its pinned hash.
 */
export async function readBackbone(dataDir: string, name: string): Promise<StoredBackbone> {
  const spec = getBackbone(name);
  const path = storedPath(dataDir, spec);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new StationError(
      'NOT_FOUND',
      `Backbone ${name} is not in the model store (${path}). Run "npm run models -- fetch ${name}" or "npm run models -- import FILE"`,
      { cause: err },
    );
  }
  const actual = sha256Bytes(bytes);
  if (!acceptedSha256(spec).includes(actual)) {
    throw new StationError(
      'BAD_MODEL',
      `Backbone file ${path} is damaged: sha256 ${actual} matches none of the pinned ${pinnedList(spec)}. Import or fetch it again`,
    );
  }
  return { spec, bytes, sha256: actual };
}

function pinnedList(spec: BackboneSpec): string {
  return acceptedSha256(spec).join(' or ') || '(none)';
}

/**
 * @throws StationError('BAD_MODEL') when the file's graph lacks one of the backbone's taps, so a
 *   file that would fail every fit never enters the store.
 */
function checkFits(bytes: Uint8Array, spec: BackboneSpec, label: string): void {
  const model = decodeModel(bytes, label);
  try {
    findTaps(model.graph ?? {}, spec, spec.taps);
  } catch (err) {
    if (err instanceof StationError) throw new StationError('BAD_MODEL', `${label}: ${err.message}; nothing was stored`, { cause: err });
    throw err;
  }
}

/**
 * Verifies FILE against the pinned hashes and the backbone's taps, and copies it into the store
 * atomically.
 *
 * @throws StationError('NOT_FOUND') when FILE does not exist, ('BAD_MODEL') when its hash is not
 *   one a known backbone accepts or its graph lacks a tap.
 */
export async function importModel(dataDir: string, file: string, options: RegistryOption = {}): Promise<ModelInfo> {
  const backbones = options.backbones ?? BACKBONES;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new StationError('NOT_FOUND', `Model file not found or unreadable: ${file}`, { cause: err });
  }
  const sha256 = sha256Bytes(bytes);
  const spec = findBackboneBySha256(sha256, backbones);
  if (!spec) {
    const known = backbones.filter((b) => b.sha256).map((b) => b.name).join(', ');
    throw new StationError(
      'BAD_MODEL',
      `${basename(file)} (sha256 ${sha256}) is not a known public model: its hash matches no pinned backbone (${known})`,
    );
  }
  checkFits(bytes, spec, basename(file));
  await writeFileAtomic(storedPath(dataDir, spec), bytes);
  return infoOf(spec, sha256, bytes.length);
}

export interface RegistryOption {
  /** The registry to check against; default: BACKBONES (tests pin entries to files they build). */
  backbones?: readonly BackboneSpec[];
}

export interface FetchOptions extends RegistryOption {
  onProgress?: (received: number, total: number | null) => void;
  /** Injected for tests; default: the global fetch. */
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Downloads a pinned backbone into <data-dir>/tmp, hashing as it streams, and moves it into the
 * store only when the hash is the published file's and the graph has the backbone's taps.
 *
 * @throws StationError('UNAVAILABLE') when offline or the server refuses, ('BAD_MODEL') on a hash
 *   mismatch or a graph without the taps, ('INVALID_INPUT') for a backbone without a pinned hash.
 */
export async function fetchModel(dataDir: string, name: string, options: FetchOptions = {}): Promise<ModelInfo> {
  const spec = getBackbone(name, options.backbones);
  if (!spec.sha256) {
    throw new StationError(
      'INVALID_INPUT',
      `Backbone ${name} has no pinned sha256 yet, so it cannot be fetched safely. Import a verified copy instead`,
    );
  }
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(spec.url, options.signal ? { signal: options.signal } : {});
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new StationError(
      'UNAVAILABLE',
      `Cannot download ${name} from ${spec.url}: offline or host unreachable (${cause}). Copy the file to this machine and run "npm run models -- import FILE"`,
      { cause: err },
    );
  }
  if (!response.ok || !response.body) {
    throw new StationError('UNAVAILABLE', `Download of ${name} failed: ${spec.url} answered HTTP ${response.status}`);
  }
  const layout = dataLayout(dataDir);
  const tmp = join(layout.tmp, `${spec.file}.${randomBytes(6).toString('hex')}.part`);
  const total = Number(response.headers.get('content-length')) || spec.sizeBytes;
  const hash = createHash('sha256');
  let received = 0;
  try {
    await mkdir(layout.tmp, { recursive: true });
    await mkdir(layout.models, { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        hash.update(value);
        await fh.write(value);
        received += value.length;
        options.onProgress?.(received, total);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const actual = hash.digest('hex');
    if (actual !== spec.sha256) {
      throw new StationError(
        'BAD_MODEL',
        `Downloaded ${name} does not match its pinned hash (got ${actual}, expected ${spec.sha256}); nothing was stored`,
      );
    }
    checkFits(await readFile(tmp), spec, `Downloaded ${name}`);
    await rename(tmp, storedPath(dataDir, spec));
  } catch (err) {
    await rm(tmp, { force: true });
    throw fileSystemError(err, tmp);
  }
  return infoOf(spec, spec.sha256, received);
}

/** Every file in the model store, identified by hash; unknown files are listed as such. */
export async function listModels(dataDir: string): Promise<ModelInfo[]> {
  const dir = dataLayout(dataDir).models;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.onnx')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fileSystemError(err, dir);
  }
  const out: ModelInfo[] = [];
  for (const n of names) {
    const path = join(dir, n);
    const [sha256, st] = await Promise.all([sha256File(path), stat(path)]);
    const spec = findBackboneBySha256(sha256);
    out.push(
      spec
        ? infoOf(spec, sha256, st.size)
        : { name: n, kind: 'unknown (hash matches no pinned model)', sha256, sizeBytes: st.size, source: path },
    );
  }
  return out;
}

function infoOf(spec: BackboneSpec, sha256: string, sizeBytes: number): ModelInfo {
  const variant = spec.variants.find((v) => v.sha256 === sha256);
  return variant
    ? { name: spec.name, kind: `backbone (${spec.precision}, byte-variant)`, sha256, sizeBytes, source: variant.source }
    : { name: spec.name, kind: `backbone (${spec.precision})`, sha256, sizeBytes, source: spec.url };
}
