import { parsePolarity } from '../../../common/answer-grammar';
import type { GoldenCheck } from '../../../host/lmm/golden-check';
import { answerStanding } from '../overrules';

export interface AnswerRow {
  file: string;
  /** Defect folder, or 'good'. */
  category: string;
  score: number;
  answer: string;
  /** Whether the answer read the image's features; null for a model that never does. */
  readFeatures: boolean | null;
}

/** How many wrong answers the report quotes: enough to see a pattern, short enough to read. */
export const QUOTED_WRONG_ANSWERS = 12;

const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/**
 * The report section that says what the dialog model did with the expert's verdicts (first seed):
 * where it agreed, where it overruled the expert and whether that was right (Myriad's claim is
 * that overruling pays), and the wrong answers quoted, so a person can see why accuracy_lmm is
 * what it is. Empty when the run had no dialog model.
 */
export function lmmAnswersSection(rows: readonly AnswerRow[], threshold: number, check: GoldenCheck | null = null): string[] {
  if (rows.length === 0) return [];
  const counts = { agreeRight: 0, agreeWrong: 0, overruleRight: 0, overruleWrong: 0, unparsed: 0 };
  const wrong: (AnswerRow & { said: string })[] = [];
  for (const row of rows) {
    const standing = answerStanding(row.answer, row.score, row.category !== 'good', threshold);
    if (standing?.right !== true) wrong.push({ ...row, said: parsePolarity(row.answer) });
    if (standing === null) {
      counts.unparsed += 1;
      continue;
    }
    if (standing.agrees) counts[standing.right ? 'agreeRight' : 'agreeWrong'] += 1;
    else counts[standing.right ? 'overruleRight' : 'overruleWrong'] += 1;
  }
  return [
    '',
    '## Dialog model answers (first seed)',
    '',
    `The expert calls an image defective at score >= ${threshold}; the first answer's "Yes"/"No" is the dialog model's verdict.`,
    '',
    '| first answer | right | wrong |',
    '| --- | --- | --- |',
    `| agrees with the expert | ${counts.agreeRight} | ${counts.agreeWrong} |`,
    `| overrules the expert | ${counts.overruleRight} | ${counts.overruleWrong} |`,
    `| neither "Yes" nor "No" (counted wrong) | - | ${counts.unparsed} |`,
    ...goldenCheckLine(check),
    ...featuresLine(rows),
    '',
    wrong.length === 0
      ? 'Every first answer was right.'
      : `Wrong first answers (${Math.min(wrong.length, QUOTED_WRONG_ANSWERS)} of ${wrong.length}):`,
    ...(wrong.length === 0
      ? []
      : [
          '',
          '| file | truth | expert score | answer |',
          '| --- | --- | --- | --- |',
          ...wrong
            .slice(0, QUOTED_WRONG_ANSWERS)
            .map((w) => `| ${cellText(w.file)} | ${w.category} | ${w.score.toFixed(3)} | ${cellText(w.answer)} |`),
        ]),
  ];
}

/** What the golden check on the references decided (host/lmm/golden-check.ts). */
function goldenCheckLine(check: GoldenCheck | null): string[] {
  if (check === null || check.checked === 0) return [];
  const verdict = check.readsProduct
    ? 'its reading of the features is trusted'
    : "its reading of the features is not trusted: every answer rests on the expert map and keeps the expert's verdict";
  return ['', `Golden check: the dialog model said "Yes" on ${check.saidYes} of ${check.checked} references; ${verdict}.`];
}

/**
 * How many answers read the image's features: a Myriad-S export drops the features of images
 * outside its training domain, and then keeps the expert's verdict (native-models/myriad-s/README.md).
 */
function featuresLine(rows: readonly AnswerRow[]): string[] {
  const known = rows.filter((r) => r.readFeatures !== null);
  if (known.length === 0) return [];
  const read = known.filter((r) => r.readFeatures).length;
  return [
    '',
    `Image features read in ${read} of ${known.length} answers; the other ${known.length - read} rest on the expert map alone ` +
      "(no features, features outside the model's training domain, or withheld after a failed golden check: the verdict is then the expert's).",
  ];
}
