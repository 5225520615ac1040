import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolarity } from '../../../common/answer-grammar';
import type { DialogRequest } from '../../../host/lmm/dialog-model';
import { loadDialogModel } from '../../../host/lmm/load-dialog-model';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { openMyriadS } from '../../../host/lmm/myriad-s/index';
import type { MyriadSModel } from '../../../host/lmm/myriad-s/myriad-s-model';
import { referenceGenerate } from '../../../host/lmm/myriad-s/reference-generate';
import { loadTokenizer } from '../../../host/lmm/myriad-s/tokenizer';
import { type ParityCase, maxLogitDiff, parityRequest, readParityCase } from '../../support/myriad-s-parity';
import { PYTHON, pythonImports } from '../../support/python';

/**
 * The issue-4 pipeline on a clean checkout: train the tiny configuration for a few steps (and resume),
 * export the four graphs, then check in TypeScript that tokenizer, logits and greedy generation
 * match PyTorch, and that the station loads and streams from the export.
 */
const ROOT = resolve(__dirname, '../../..');
const SCRIPTS = join(ROOT, 'native-models/myriad-s');
const hasTorch = pythonImports('torch, onnx');

function python(args: string[]): string {
  const r = spawnSync(PYTHON, args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

describe.skipIf(!hasTorch)('Myriad-S tiny configuration: train, export, parity, generation', () => {
  let work: string;
  let exportDir: string;
  let parity: ParityCase;
  let model: MyriadSModel;
  let request: DialogRequest;
  let resumeOutput: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'myriad-s-tiny-'));
    const trainDir = join(work, 'train');
    exportDir = join(work, 'export');
    python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', trainDir, '--steps', '6']);
    resumeOutput = python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', trainDir]);
    python([join(SCRIPTS, 'export.py'), '--train-dir', trainDir, '--out', exportDir, '--parity', '--max-new-tokens', '24']);
    parity = readParityCase(exportDir);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const exported = readMyriadSExport(exportDir);
    model = await openMyriadS(exported, { device: 'cpu' });
    request = parityRequest(exportDir, exported.config, parity);
  });

  it('refuses to resume a checkpoint of another run (other learning rate) into the same --out', () => {
    expect(() => python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', join(work, 'train'), '--lr', '0.01'])).toThrow(
      /holds a checkpoint of another run \(lr: checkpoint [\d.e-]+, now 0\.01\)/,
    );
  });

  it('resumed training from the checkpoint and logged every step', () => {
    expect(resumeOutput).toContain('resumed at step 6');
    const log = readFileSync(join(work, 'train/train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(log.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.every((r) => Number.isFinite(r.loss) && r.loss > 0)).toBe(true);
  });

  it('tokenises exactly as the Python trainer did', () => {
    const tokenizer = loadTokenizer(join(exportDir, 'tokenizer.json'));
    for (const [text, ids] of parity.tokenizer_cases) {
      expect(tokenizer.encode(text), text).toEqual(ids);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('reproduces the PyTorch prompt ids, logits and greedy tokens through the KV cache', async () => {
    // PyTorch decodes plainly: so does this check, through the reference generator (no answer rules, no stop strings).
    const prompt = await model.prompt(request);
    expect(prompt.promptIds).toEqual(parity.input_ids);
    const eosId = loadTokenizer(join(exportDir, 'tokenizer.json')).idOf('</s>');
    const { sessions, config } = model.parts;
    const maxNewTokens = Math.min(prompt.maxNewTokens, parity.generated_ids.length);
    const result = await referenceGenerate({ sessions, config, promptEmbeds: prompt.embeds, eosId, maxNewTokens });
    expect(maxLogitDiff(parity, result.firstLogits)).toBeLessThan(1e-3);
    // PyTorch's tokens to its last (its EOS not included): as many, the same.
    expect(result.ids.length).toBeGreaterThan(0);
    expect(result.ids).toEqual(parity.generated_ids.filter((id) => id !== eosId).slice(0, maxNewTokens));
  });

  it('opens the first answer with "Yes" or "No" even when the untrained model prefers other tokens', async () => {
    const plain = parity.generated_ids.filter((id) => id !== loadTokenizer(join(exportDir, 'tokenizer.json')).idOf('</s>'));
    const reply = await model.run(request, () => {}, new AbortController().signal);
    expect(reply.ids).not.toEqual(plain.slice(0, reply.ids.length));
    expect(reply.text.trimStart(), reply.text).toMatch(/^(Yes|No)\b/);
  });

  it('loads through loadDialogModel and streams deltas that add up to the answer', async () => {
    const { model: loaded, reason } = await loadDialogModel(exportDir, { device: 'cpu' });
    expect(loaded.name).toBe('myriad-s');
    expect(reason).toMatch(/^Myriad-S export myriad-s tiny-step8-/);
    const deltas: string[] = [];
    const reply = await loaded.generate(request, (d) => deltas.push(d), new AbortController().signal);
    expect(deltas.join('')).toBe(reply.text);
    expect(reply.tokens).toBeGreaterThan(0);
    expect(reply.totalMs).toBeGreaterThanOrEqual(reply.firstTokenMs);
    // An 8-step model says nothing sensible yet; the answer grammar still has to cope with it.
    expect(['yes', 'no', 'unknown']).toContain(parsePolarity(reply.text));
  });

  it('stops with CANCELLED when aborted while streaming', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = model.generate({ ...request, question: 'Describe all defects.' }, () => {
      seen += 1;
      if (seen === 2) ac.abort();
    }, ac.signal);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toBe(2);
  });

  it('drops the oldest dialog turns to fit the context, and refuses instructions that cannot fit', async () => {
    const config = readMyriadSExport(exportDir).config;
    const turn = 'There are three anomalies: a small scratch in the top left corner and a large stain in the center.';
    const history = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? ('operator' as const) : ('assistant' as const), text: turn }));
    const long = await model.run({ ...request, history, question: 'Where?' }, () => {}, new AbortController().signal);
    const visual = config.num_image_tokens + config.num_expert_tokens;
    expect(long.promptIds.length - 1 + visual + long.ids.length).toBeLessThanOrEqual(config.decoder.max_position_embeddings);
    expect(long.promptIds.length).toBeGreaterThan(100);
    const huge = { ...request, instructions: [turn.repeat(30)] };
    await expect(model.run(huge, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('falls back to the narrator, naming the cause, when a graph is damaged', async () => {
    const broken = join(work, 'broken');
    python(['-c', `import shutil; shutil.copytree(${JSON.stringify(exportDir)}, ${JSON.stringify(broken)})`]);
    writeFileSync(join(broken, 'decoder_model_merged.onnx'), 'not an onnx file');
    const { model: fallback, reason } = await loadDialogModel(broken, { device: 'cpu' });
    expect(fallback.name).toBe('expert-narrator');
    expect(reason).toMatch(/decoder_model_merged\.onnx.*(damaged|not a valid ONNX)/);
  });
});
