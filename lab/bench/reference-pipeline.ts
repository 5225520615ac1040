import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import type { BenchImages } from './bench-images';
import type { PipelineFigures } from './figures';
import { percentiles } from './stats';

export const REFERENCE_SCRIPT = fileURLToPath(new URL('./reference/patchcore_reference.py', import.meta.url));

/** Debian's interpreter (python3-torch is installed for it), unless MYRIAD_PYTHON names another. */
export function defaultPython(env = process.env): string {
  if (env.MYRIAD_PYTHON) return env.MYRIAD_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export interface ReferenceOptions {
  python: string;
  /** The backbone ONNX file the station uses (the reference converts it to torch). */
  model: string;
  /** Tensor names of the taps, finest first. */
  taps: string[];
  inputSize: number;
  bankRows: number;
  sigma: number;
  images: BenchImages;
  warmup: number;
  workDir: string;
  /** 'random' keeps the bench short: anomalib's greedy coreset over 200 images takes hours here. */
  coreset: 'greedy' | 'random';
  timeoutMs: number;
  /** Writes the first test image's embedding here (float32, patches x dim) for parity checks. */
  dumpEmbedding?: string;
}

const Output = z.object({
  torch: z.string(),
  threads: z.number().int(),
  fit_ms: z.number(),
  bank_rows: z.number().int(),
  dim: z.number().int(),
  timings_ms: z.object({
    decode: z.array(z.number()),
    backbone: z.array(z.number()),
    expert: z.array(z.number()),
    total: z.array(z.number()),
  }),
  scores: z.array(z.number()),
  peak_rss_mb: z.number(),
});
export type ReferenceOutput = z.infer<typeof Output>;

interface Ran {
  code: number | null;
  stderr: string;
}

function run(python: string, args: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

/**
 * Whether `python` can run the reference (torch, onnx, numpy, PIL). Returns null when it can, or
 * the reason it cannot, so the bench reports the reference as null with that reason.
 */
export async function referenceUnavailable(python: string): Promise<string | null> {
  try {
    const ran = await run(python, ['-c', 'import torch, onnx, numpy, PIL'], 60_000);
    return ran.code === 0 ? null : `${python} cannot import the reference's packages: ${lastLine(ran.stderr)}`;
  } catch (err) {
    return `${python} could not be started: ${(err as Error).message}`;
  }
}

/** Runs the Python reference pipeline and turns its raw timings into bench figures. */
export async function measureReference(opts: ReferenceOptions): Promise<PipelineFigures & { output: ReferenceOutput }> {
  const config = join(opts.workDir, 'reference-config.json');
  const out = join(opts.workDir, 'reference-output.json');
  await writeFile(
    config,
    JSON.stringify({
      model: opts.model,
      taps: opts.taps,
      input_size: opts.inputSize,
      bank_rows: opts.bankRows,
      coreset: opts.coreset,
      sigma: opts.sigma,
      golden: opts.images.golden,
      test: opts.images.test,
      warmup: opts.warmup,
      ...(opts.dumpEmbedding ? { dump_embedding: opts.dumpEmbedding } : {}),
    }),
  );
  const ran = await run(opts.python, [REFERENCE_SCRIPT, config, out], opts.timeoutMs);
  if (ran.code !== 0) {
    throw new StationError('UNAVAILABLE', `The reference pipeline failed (exit ${ran.code ?? 'killed'}): ${lastLine(ran.stderr)}`);
  }
  const parsed = Output.safeParse(JSON.parse(await readFile(out, 'utf8')));
  if (!parsed.success) throw new StationError('INTERNAL', `The reference pipeline wrote unexpected output: ${parsed.error.issues[0]?.message}`);
  const o = parsed.data;
  const noLmm = 'the reference pipeline (PatchCore as anomalib runs it) has no language model';
  return {
    pipeline: `PatchCore in Python, torch ${o.torch} eager on CPU (${o.threads} thread${o.threads === 1 ? '' : 's'}), PIL decode, backbone converted from the same ONNX file`,
    figures: {
      decode_ms: percentiles(o.timings_ms.decode),
      backbone_ms: percentiles(o.timings_ms.backbone),
      expert_ms: percentiles(o.timings_ms.expert),
      lmm_first_token_ms: null,
      lmm_tokens_per_s: null,
      inspect_ms: percentiles(o.timings_ms.total),
    },
    notes: {
      lmm_first_token_ms: noLmm,
      lmm_tokens_per_s: noLmm,
      inspect_ms: 'decode + backbone + PatchCore map and score; no database, no answer',
    },
    peak_rss_mb: Math.round(o.peak_rss_mb),
    fit_seconds: opts.coreset === 'greedy' ? Math.round(o.fit_ms / 10) / 100 : null,
    bank_rows: o.bank_rows,
    output: o,
  };
}
