import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../../host/evaluation/protocol';
import { CELL } from '../../../../host/evaluation/report/heatmap-grid';
import { writeReport } from '../../../../host/evaluation/report/write-report';
import { meanDifferenceSubject } from '../fixtures/mean-difference-expert';
import { makeSyntheticDataset } from '../fixtures/synthetic-dataset';

let root: string;
let out: string;
beforeAll(async () => {
  root = await makeSyntheticDataset();
  out = await mkdtemp(join(tmpdir(), 'myriad-report-'));
});
afterAll(async () => {
  await rm(dirname(root), { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes the JSON, a Markdown report and the ROC and heatmap PNGs it links', async () => {
    const evaluation = await evaluate({ datasetDir: root, shots: 1, seeds: 2, subject: meanDifferenceSubject(), dialog: null, lmmReason: 'x' });
    const written = await writeReport(evaluation, join(out, 'widget-1shot.json'));
    const json = JSON.parse(await readFile(written.json, 'utf8')) as Record<string, unknown>;
    expect(json.dataset).toBe('widget');
    expect(json.report).toBe('widget-1shot.md');
    const md = await readFile(written.markdown, 'utf8');
    expect(md).toMatch(/^# Evaluation: widget, 1-shot, 2 seeds/);
    expect(md).toContain('| image_auroc | 1.000 | 0.000 |');
    expect(md).toContain('![image ROC per seed](widget-1shot-roc.png)');
    expect(md).toContain('blue = seed 0, orange = seed 1');
    expect(md).toContain('| scratch | 3 |');
    for (const img of written.images) expect(md).toContain(`](${img.slice(out.length + 1)})`);

    const roc = PNG.sync.read(await readFile(join(out, 'widget-1shot-roc.png')));
    expect(roc.width).toBeGreaterThan(300);
    // a perfect ROC passes through (FPR 0, TPR 1): the top-left corner of the plot is drawn in
    // the last seed's colour (orange), and the chance diagonal's middle is not
    const at = (x: number, y: number) => Array.from(roc.data.subarray((y * roc.width + x) * 4, (y * roc.width + x) * 4 + 3));
    expect(at(26, 24)).toEqual([255, 127, 14]);
    expect(at(24 + 180, 24 + 180)).not.toEqual([255, 127, 14]);

    // rows: 2 good, 2 scratch, 1 stain (the other stain has no mask)
    const grid = PNG.sync.read(await readFile(join(out, 'widget-1shot-heatmaps.png')));
    expect(grid.height).toBe(5 * (CELL + 6) + 6);
    expect(md.match(/^\| \d \| (good|scratch|stain) \| /gm)).toHaveLength(5);
  });
});
