import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../../lab/evaluation/protocol';
import { CELL } from '../../../../lab/evaluation/report/heatmap-grid';
import { writeReport } from '../../../../lab/evaluation/report/write-report';
import type { DialogModel, DialogReply, DialogRequest } from '../../../../host/lmm/dialog-model';
import { ExpertNarrator } from '../../../../host/lmm/expert-narrator/narrator';
import { meanDifferenceSubject } from '../fixtures/mean-difference-expert';
import { useSyntheticDataset } from '../fixtures/synthetic-dataset';

let root: string;
let out: string;
useSyntheticDataset('myriad-report-', (made) => ({ root, scratch: out } = made));

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

  it('without --lmm, writes no dialog section', async () => {
    const evaluation = await evaluate({ datasetDir: root, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: null, lmmReason: 'x' });
    const written = await writeReport(evaluation, join(out, 'no-lmm.json'));
    const md = await readFile(written.markdown, 'utf8');
    expect(md).not.toContain('Dialog model answers');
    expect(written.answers).toBeNull();
  });

  it('with a dialog model that never reads features (the narrator), says nothing about features', async () => {
    const evaluation = await evaluate({ datasetDir: root, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: new ExpertNarrator(), lmmReason: '' });
    const md = await readFile((await writeReport(evaluation, join(out, 'narrator.json'))).markdown, 'utf8');
    expect(md).toContain('## Dialog model answers (first seed)');
    expect(md).not.toContain('Image features read');
  });

  it('with --lmm, counts where the dialog model agreed with or overruled the expert and quotes its wrong answers', async () => {
    // The narrator follows the expert (right on every image of this set); this model says the
    // opposite on good images, so it overrules the expert exactly there, wrongly.
    const narrator = new ExpertNarrator();
    const contrarian: DialogModel = {
      name: 'contrarian',
      version: '1',
      generate: async (req: DialogRequest, onDelta: (d: string) => void, signal: AbortSignal): Promise<DialogReply> => {
        const reply = await narrator.generate(req, onDelta, signal);
        // It claims to have read features exactly where it contradicts the expert.
        if (!reply.text.startsWith('No')) return { ...reply, readFeatures: false };
        return { ...reply, text: 'Yes, there is a | strange mark in the center of the widget.', readFeatures: true };
      },
    };
    const evaluation = await evaluate({ datasetDir: root, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: contrarian, lmmReason: '' });
    const scored = evaluation.runs[0]?.scored ?? [];
    const good = scored.filter((s) => s.defect === null).length;
    expect(good).toBeGreaterThan(0);
    const md = await readFile((await writeReport(evaluation, join(out, 'contrarian.json'))).markdown, 'utf8');
    expect(md).toContain('## Dialog model answers (first seed)');
    expect(md).toContain(`| agrees with the expert | ${scored.length - good} | 0 |`);
    expect(md).toContain(`| overrules the expert | 0 | ${good} |`);
    expect(md).toContain(`Wrong first answers (${Math.min(good, 12)} of ${good}):`);
    expect(md).toContain(`Image features read in ${good} of ${scored.length} answers; the other ${scored.length - good} rest on the expert map alone`);
    // quoted answers keep the table intact: a '|' inside an answer is escaped
    expect(md).toMatch(/^\| test\/good\/\S+ \| good \| \d\.\d{3} \| Yes, there is a \\\| strange mark/m);
  });

  it('with --lmm, writes every first answer of every seed to <stem>-answers.jsonl', async () => {
    const evaluation = await evaluate({ datasetDir: root, shots: 1, seeds: 2, subject: meanDifferenceSubject(), dialog: new ExpertNarrator(), lmmReason: '' });
    const written = await writeReport(evaluation, join(out, 'answers.json'));
    expect(written.answers).toBe(join(out, 'answers-answers.jsonl'));
    const lines = (await readFile(written.answers ?? '', 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const scored = evaluation.runs.flatMap((r) => r.scored.map((s) => ({ seed: r.seed, s })));
    expect(lines).toHaveLength(scored.length);
    expect(new Set(lines.map((l) => l.seed))).toEqual(new Set(evaluation.runs.map((r) => r.seed)));
    for (const [i, { seed, s }] of scored.entries()) {
      expect(lines[i]).toEqual({ seed, file: s.path.slice(root.length + 1), category: s.defect ?? 'good', score: s.score, yesOdds: s.yesOdds, readFeatures: s.readFeatures, answer: s.answer });
    }
  });
});
