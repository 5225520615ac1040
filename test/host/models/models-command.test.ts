import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../host/cli/commands/models';
import { BACKBONE_FILE, HAS_BACKBONE, SKIP_BACKBONE } from '../experts/shared-fixtures';
import { errorOf } from '../../support/error-of';

describe('npm run models', () => {
  it('refuses unknown actions, options and files with one clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'models-cli-'));
    expect((await errorOf(command.run(['frob', '--data-dir', dir]))).message).toMatch(/^Usage: npm run models -- fetch/);
    expect((await errorOf(command.run(['list', '--colour', '--data-dir', dir]))).message).toMatch(/Unknown option --colour/);
    expect((await errorOf(command.run(['list', '--device', 'tpu', '--data-dir', dir]))).message).toMatch(/Invalid device: tpu/);
    const fake = join(dir, 'model.onnx');
    await writeFile(fake, 'x');
    expect((await errorOf(command.run(['import', fake, '--data-dir', dir]))).code).toBe('BAD_MODEL');
  });

  it.skipIf(!HAS_BACKBONE)('imports the real backbone and lists it with --out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'models-cli-'));
    expect(await command.run(['import', BACKBONE_FILE, '--data-dir', dir, '--device', 'cpu'])).toBe(0);
    const out = join(dir, 'list.json');
    expect(await command.run(['list', '--data-dir', dir, '--out', out])).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as { models: { name: string; sha256: string; kind: string }[] };
    expect(json.models).toHaveLength(1);
    expect(json.models[0]).toMatchObject({ name: 'mobilenetv2-12-int8', kind: 'backbone (int8, byte-variant)' });
    expect(json.models[0]?.sha256).toMatch(/^83530ad8/);
  });
  if (!HAS_BACKBONE) it.skip(SKIP_BACKBONE, () => undefined);
});
