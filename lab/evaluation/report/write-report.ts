import { basename, dirname, extname, join, relative } from 'node:path';
import { writeFileAtomic } from '../../../host/store/atomic-write';
import { rocCurve } from '../metrics/image-metrics';
import type { Evaluation } from '../protocol';
import { heatmapGrid } from './heatmap-grid';
import { renderMarkdown } from './markdown';
import { rocChart } from './roc-chart';

export interface WrittenReport {
  json: string;
  markdown: string;
  images: string[];
  /** `<stem>-answers.jsonl` when a dialog model answered. */
  answers: string | null;
}

/**
 * Writes the evaluation JSON to `outPath` and, next to it, `<stem>.md` with `<stem>-roc.png`,
 * `<stem>-roc-defects.png` and `<stem>-heatmaps.png`; with a dialog model also
 * `<stem>-answers.jsonl`, every first answer of every seed, for looking into what the model said
 * where (the JSON keeps only the aggregates).
 */
export async function writeReport(evaluation: Evaluation, outPath: string): Promise<WrittenReport> {
  const { report, runs, tests, dataset } = evaluation;
  const stem = join(dirname(outPath), basename(outPath, extname(outPath)));
  const files = { roc: `${stem}-roc.png`, defects: `${stem}-roc-defects.png`, grid: `${stem}-heatmaps.png`, md: `${stem}.md`, answers: `${stem}-answers.jsonl` };
  const jsonReport = { ...report, report: basename(files.md) };
  await writeFileAtomic(outPath, Buffer.from(`${JSON.stringify(jsonReport, null, 2)}\n`, 'utf8'));
  // Each run's first answers, as the answers file and (the first run's) the report quote them.
  const answersPerRun = runs.map((r) =>
    r.scored.flatMap((s) =>
      s.answer === null
        ? []
        : [{ seed: r.seed, file: relative(dataset.root, s.path), category: s.defect ?? 'good', score: s.score, yesOdds: s.yesOdds, readFeatures: s.readFeatures, answer: s.answer }],
    ),
  );
  const answered = answersPerRun.flat();
  if (answered.length > 0) await writeFileAtomic(files.answers, Buffer.from(answered.map((a) => `${JSON.stringify(a)}\n`).join(''), 'utf8'));

  const perSeed = rocChart(
    runs.map((r) => ({ label: `seed ${r.seed}`, curve: rocCurve(r.scored.map((s) => ({ score: s.score, defective: s.defect !== null }))) })),
  );
  const first = runs[0];
  const goodScores = (first?.scored ?? []).filter((s) => s.defect === null).map((s) => ({ score: s.score, defective: false }));
  const perDefect = rocChart(
    dataset.defectTypes.map((d) => ({
      label: d,
      curve: rocCurve([...goodScores, ...(first?.scored ?? []).filter((s) => s.defect === d).map((s) => ({ score: s.score, defective: true }))]),
    })),
  );
  const rows = tests.flatMap((t) => {
    const result = first?.keptMaps.get(t.path);
    return result ? [{ test: t, result }] : [];
  });
  await writeFileAtomic(files.roc, perSeed.png);
  await writeFileAtomic(files.defects, perDefect.png);
  await writeFileAtomic(files.grid, heatmapGrid(rows.map((r) => ({ image: r.test.image, result: r.result, truth: r.test.truth }))));
  const markdown = renderMarkdown(report, {
    rocPng: files.roc,
    rocLegend: perSeed.legend,
    defectRocPng: files.defects,
    defectRocLegend: perDefect.legend,
    gridPng: files.grid,
    gridRows: rows.map((r) => ({
      category: r.test.defect ?? 'good',
      file: relative(dataset.root, r.test.path),
      score: r.result.score,
    })),
    answers: answersPerRun[0] ?? [],
  });
  await writeFileAtomic(files.md, Buffer.from(markdown, 'utf8'));
  return { json: outPath, markdown: files.md, images: [files.roc, files.defects, files.grid], answers: answered.length > 0 ? files.answers : null };
}
