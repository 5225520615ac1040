import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDialogModel } from '../../../host/lmm/load-dialog-model';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { validConfig, writeExportFolder } from './myriad-s/config-fixture';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'myriad-s-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDialogModel', () => {
  it('uses the narrator when no folder is configured', async () => {
    const { model, reason } = await loadDialogModel(null);
    expect(model.name).toBe('expert-narrator');
    expect(reason).toMatch(/no Myriad-S model folder is configured/);
  });

  it('uses the narrator when the folder has no config.json', async () => {
    const { model, reason } = await loadDialogModel(dir);
    expect(model.name).toBe('expert-narrator');
    expect(reason).toMatch(/config\.json is missing/);
  });

  it('names the invalid field of a bad config.json', async () => {
    writeExportFolder(dir, { ...validConfig(), num_expert_tokens: -1 });
    const { model, reason } = await loadDialogModel(dir);
    expect(model.name).toBe('expert-narrator');
    expect(reason).toMatch(/num_expert_tokens/);
  });

  it('refuses a config that is not JSON', async () => {
    writeFileSync(join(dir, 'config.json'), '{ not json');
    expect((await loadDialogModel(dir)).reason).toMatch(/not valid JSON/);
  });

  it('names a missing file of the contract', async () => {
    writeExportFolder(dir, validConfig(), ['decoder_model_merged.onnx']);
    const { model, reason } = await loadDialogModel(dir);
    expect(model.name).toBe('expert-narrator');
    expect(reason).toMatch(/decoder_model_merged file decoder_model_merged\.onnx is missing/);
  });
});

describe('readMyriadSExport', () => {
  it('accepts a complete export and resolves every file', () => {
    writeExportFolder(dir, validConfig());
    const exported = readMyriadSExport(dir);
    expect(exported.config.num_expert_tokens).toBe(9);
    expect(exported.paths.tokenizer).toBe(join(dir, 'tokenizer.json'));
  });

  it('refuses file names that leave the folder', () => {
    const config = validConfig();
    writeExportFolder(dir, { ...config, files: { ...(config.files as object), tokenizer: '../tokenizer.json' } });
    expect(() => readMyriadSExport(dir)).toThrow(/files\.tokenizer/);
  });
});
