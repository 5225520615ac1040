import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';

/**
 * The one seam to ONNX Runtime (docs/ARCHITECTURE.md): no other file imports onnxruntime-node.
 * Callers see plain typed arrays and dims, never ort types, so the runtime can be swapped or
 * mocked at this file alone.
 */

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface Tensor {
  data: TensorData;
  dims: readonly number[];
}

export interface DeviceResolution {
  requested: DeviceName;
  /** Execution providers to try, in order; the last is always cpu. */
  providers: string[];
  /** What will run: 'cpu', 'cuda', ... (the first provider). */
  active: string;
  /** Shown to the user when `auto` fell back or a requested device is not in this build. */
  warning: string | null;
  /** Execution providers this build of ONNX Runtime offers on this platform. */
  available: string[];
}

/** The GPU execution providers worth trying for `auto`, per platform, most capable first. */
const GPU_PROVIDERS: Record<string, string[]> = {
  linux: ['cuda'],
  win32: ['dml', 'cuda'],
  darwin: ['coreml'],
};

/**
 * Execution providers that can really start here. onnxruntime-node lists CUDA and TensorRT even
 * when their provider libraries were never installed (`bundled: false`, fetched by the package's
 * install script, which offline installs skip); such a provider counts only when its library sits
 * beside the binding, so `auto` on a CPU-only station reports cpu instead of a GPU it cannot use.
 */
export function availableProviders(): string[] {
  return ort
    .listSupportedBackends()
    .filter((b) => b.bundled || providerLibraryInstalled(b.name))
    .map((b) => b.name);
}

function providerLibraryInstalled(name: string): boolean {
  const file =
    process.platform === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`;
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const binDir = join(root, 'bin');
    return readdirSync(binDir, { recursive: true }).some((entry) => String(entry).endsWith(file));
  } catch {
    // No readable binding folder (e.g. a bundled app with another layout): trust the binding's own list.
    return true;
  }
}

/**
 * Maps a requested device to execution providers.
 * `auto` picks the platform's GPU providers that this build ships, then cpu; when there are none
 * it says so in `warning`. A named device that this build lacks falls back to cpu with a warning
 * (a station must keep inspecting); `loadSession` raises UNAVAILABLE only if even cpu fails.
 */
export function resolveDevice(requested: DeviceName, platform: NodeJS.Platform = process.platform): DeviceResolution {
  const available = availableProviders();
  if (requested === 'cpu') return { requested, providers: ['cpu'], active: 'cpu', warning: null, available };
  const wanted = requested === 'auto' ? (GPU_PROVIDERS[platform] ?? []) : [requested];
  const usable = wanted.filter((p) => available.includes(p));
  if (usable.length === 0) {
    const what = requested === 'auto' ? 'No GPU execution provider' : `Device ${requested} is not available`;
    return {
      requested,
      providers: ['cpu'],
      active: 'cpu',
      warning: `${what} in this ONNX Runtime build on ${platform} (available: ${available.join(', ')}); running on cpu`,
      available,
    };
  }
  return { requested, providers: [...usable, 'cpu'], active: usable[0] as string, warning: null, available };
}

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The provider that actually runs the session, and why it is not the requested one. */
  readonly device: { active: string; warning: string | null };
  /**
   * Runs the model; every input must be fed, unknown feeds are refused. `outputs`: only these are
   * fetched (each copied into a new buffer), not every output of the graph.
   */
  run(feeds: Record<string, Tensor>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
}

export interface LoadOptions {
  device: DeviceName;
  /** Threads for one run; default: ONNX Runtime's choice. */
  threads?: number;
  /** Keep one warm session per model (default true). */
  cache?: boolean;
  /** What errors call a model given as bytes (default: its size). */
  label?: string;
}

const sessions = new Map<string, Promise<OnnxSession>>();
/** GPU providers that failed to start in this process: not retried for every model. */
const failedProviders = new Map<string, string>();

/**
 * Loads a model from a file path or bytes, one warm session per (model, device).
 *
 * @throws StationError('BAD_MODEL') when the file is missing, damaged or not ONNX;
 *   ('UNAVAILABLE') when no execution provider can run it.
 * @example const s = await loadSession('model.onnx', { device: 'auto' }); await s.run({ input: { data, dims } });
 */
export async function loadSession(pathOrBytes: string | Uint8Array, options: LoadOptions): Promise<OnnxSession> {
  const bytes = typeof pathOrBytes === 'string' ? await readModelFile(pathOrBytes) : pathOrBytes;
  const label = typeof pathOrBytes === 'string' ? pathOrBytes : (options.label ?? `model of ${bytes.length} bytes`);
  const key = `${createHash('sha256').update(bytes).digest('hex')}|${options.device}|${options.threads ?? 0}`;
  if (options.cache === false) return createSession(bytes, label, options);
  let pending = sessions.get(key);
  if (!pending) {
    pending = createSession(bytes, label, options);
    sessions.set(key, pending);
    // A failed load must not stay cached: the next call retries (e.g. after `models import`).
    pending.catch(() => sessions.delete(key));
  }
  return pending;
}

/** Drops every warm session (tests, model store changes). */
export function clearSessionCache(): void {
  sessions.clear();
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? 'error'})`;
    throw new StationError('BAD_MODEL', `Model ${path}: ${why}`, { cause: err });
  }
}

async function createSession(bytes: Uint8Array, label: string, options: LoadOptions): Promise<OnnxSession> {
  const resolution = resolveDevice(options.device);
  let lastError: unknown = null;
  let warning = resolution.warning;
  for (const provider of resolution.providers) {
    const knownFailure = failedProviders.get(provider);
    if (knownFailure !== undefined) {
      lastError = new Error(knownFailure);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        // Sessions run one after another (backbone, then search): threads that spin after a run
        // would steal the cores from the next session.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
        // A missing GPU library is expected on many stations: the fallback warning says it once.
        logSeverityLevel: provider === 'cpu' ? 2 : 4,
        ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
      });
      if (provider !== resolution.active) {
        warning = `${resolution.active} could not run ${label} (${messageOf(lastError)}); running on cpu`;
      }
      return wrap(session, label, { active: provider, warning });
    } catch (err) {
      lastError = err;
      if (provider === 'cpu' || isModelError(err)) break;
      failedProviders.set(provider, messageOf(err));
    }
  }
  if (isModelError(lastError) || resolution.providers.length === 1) {
    throw new StationError('BAD_MODEL', `Model ${label} is damaged or not a valid ONNX model: ${messageOf(lastError)}`, {
      cause: lastError,
    });
  }
  throw new StationError('UNAVAILABLE', `No execution provider could run ${label}: ${messageOf(lastError)}`, {
    cause: lastError,
  });
}

function isModelError(err: unknown): boolean {
  return /protobuf|parse|invalid model|load model|INVALID_GRAPH|INVALID_PROTOBUF|NO_MODEL|opset/i.test(messageOf(err));
}

function wrap(session: ort.InferenceSession, label: string, device: OnnxSession['device']): OnnxSession {
  const inputNames = [...session.inputNames];
  const outputNames = [...session.outputNames];
  return {
    inputNames,
    outputNames,
    device,
    async run(feeds, outputs) {
      const given = Object.keys(feeds);
      const missing = inputNames.filter((n) => !given.includes(n));
      const unknown = given.filter((n) => !inputNames.includes(n));
      if (missing.length > 0 || unknown.length > 0) {
        throw new StationError(
          'BAD_MODEL',
          `Model ${label} expects inputs [${inputNames.join(', ')}] but was fed [${given.join(', ')}]`,
        );
      }
      const notOutputs = (outputs ?? []).filter((n) => !outputNames.includes(n));
      if (notOutputs.length > 0) {
        throw new StationError('BAD_MODEL', `Model ${label} has outputs [${outputNames.join(', ')}], not [${notOutputs.join(', ')}]`);
      }
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.data, [...t.dims]);
      let results: ort.InferenceSession.ReturnType;
      try {
        results = outputs ? await session.run(ortFeeds, [...outputs]) : await session.run(ortFeeds);
      } catch (err) {
        const shapes = Object.entries(feeds)
          .map(([n, t]) => `${n}[${t.dims.join(',')}]`)
          .join(', ');
        const code = /shape|dimension|rank|Got invalid/i.test(messageOf(err)) ? 'BAD_MODEL' : 'INTERNAL';
        throw new StationError(code, `Model ${label} failed on inputs ${shapes}: ${messageOf(err)}`, { cause: err });
      }
      const out: Record<string, Tensor> = {};
      for (const name of outputs ?? outputNames) {
        const t = results[name];
        if (!t) continue;
        out[name] = { data: t.data as TensorData, dims: [...t.dims] };
      }
      return out;
    },
  };
}

function messageOf(err: unknown): string {
  if (err === null || err === undefined) return 'unknown error';
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
