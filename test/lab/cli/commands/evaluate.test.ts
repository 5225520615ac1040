import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../../lab/cli/commands/evaluate';
import { importModel } from '../../../../host/models/store';
import { useSyntheticDataset } from '../../evaluation/fixtures/synthetic-dataset';

const REPO = join(__dirname, '..', '..', '..', '..');
const BACKBONE = join(REPO, '..', 'shared', 'models', 'mobilenetv2-12-int8.onnx');
const haveBackbone = existsSync(BACKBONE);
if (!haveBackbone) console.warn(`Skipping the PatchCore evaluate run: ${BACKBONE} is absent`);

let root: string;
let work: string;
useSyntheticDataset('myriad-evalcli-', (made) => ({ root, scratch: work } = made));

describe('evaluate command: bad input', () => {
  const out = () => join(work, 'x.json');
  it.each([
    [['--dataset', 'd', '--out', 'x.json'], /Missing required option --shots/],
    [['--dataset', 'd', '--shots', '0', '--out', 'x.json'], /Invalid --shots 0. Use a positive integer or all/],
    [['--dataset', 'd', '--shots', '1', '--seeds', '1.5', '--out', 'x.json'], /Invalid --seeds 1.5/],
    [['--dataset', 'd', '--shots', '1', '--expert', 'magic', '--out', 'x.json'], /Invalid expert: magic. Use one of: patchcore, padim, auto, anomalib:FILE/],
    [['--dataset', 'd', '--shots', '1'], /Missing required option --out/],
    [['--dataset', 'd', '--shots', '1', '--expert', 'patchcore', '--expert-options', '{"sigma":-1}', '--out', 'x.json'], /Invalid PatchCore option sigma/],
    // The default expert is auto, which takes only the options both its candidates take.
    [['--dataset', 'd', '--shots', '1', '--expert-options', '{"channels":64}', '--out', 'x.json'], /Invalid PatchCore option channels: .*choose the padim expert for these options/],
    [['--dataset', 'd', '--shots', '1', '--expert', 'anomalib:m.onnx', '--expert-options', '{"sigma":2}', '--out', 'x.json'], /Expert options are for patchcore, padim or auto \(got anomalib\)/],
    [['--dataset', 'd', '--shots', '1', '--instructions', '--out', 'x.json'], /--instructions measures the dialog model: run it with --lmm/],
    [['--dataset', 'd', '--shots', '1', '--dump-inputs', 'dump', '--out', 'x.json'], /--dump-inputs writes what the dialog model was given: run it with --lmm/],
  ])('%j is refused with INVALID_INPUT', async (argv, message) => {
    await expect(command.run(argv)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });

  it('names a dataset without train/good', async () => {
    await expect(command.run(['--dataset', work, '--shots', '1', '--out', out()])).rejects.toThrow(/has no train\/good folder/);
  });
});

describe.skipIf(!haveBackbone)('evaluate command: the default expert (auto) on a real image set', () => {
  it('writes the contract JSON and the report, exit 0', async () => {
    const dataDir = join(work, 'data');
    await importModel(dataDir, BACKBONE);
    const out = join(work, 'widget.json');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(REPO, 'lab', 'cli', 'main.ts'), 'evaluate', '--dataset', root, '--shots', '2', '--seeds', '1', '--out', out, '--data-dir', dataDir, '--device', 'cpu'],
      { cwd: REPO, encoding: 'utf8', timeout: 180_000 },
    );
    expect(r.stderr).toMatch(/seed 0: image AUROC/);
    expect(r.status).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    // No --expert: the default is auto, as for `recipe create`.
    expect(json).toMatchObject({ dataset: 'widget', shots: 2, seeds: 1, expert: 'auto', backbone: 'mobilenetv2-12-int8', images: 8 });
    // 8x8 squares 100 grey levels off a flat background: the chosen expert must rank them all above the good images
    expect(json.image_auroc).toBeGreaterThanOrEqual(0.9);
    expect(typeof json.pixel_auroc).toBe('number');
    expect(existsSync(join(work, 'widget.md'))).toBe(true);
    expect(existsSync(join(work, 'widget-heatmaps.png'))).toBe(true);
  });
});
