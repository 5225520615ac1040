import { describe, expect, it } from 'vitest';
import type { MapAnalysis } from '../../../host/lmm/expert-narrator/map-regions';
import { judgeFollowUp, type FollowUpFacts } from '../../../lab/evaluation/follow-ups';

/** One medium region on the left side (3% of the image), a masked truth whose largest region is there too. */
const analysis: MapAnalysis = {
  regions: [{ areaFraction: 0.03, centroid: { x: 0.2, y: 0.5 }, extent: { width: 0.2, height: 0.2 }, cell: 3, spillCells: [], peak: 0.9, shape: 'round' }],
  coveredFraction: 0.03,
  peakCell: 3,
  peak: 0.9,
};
const facts: FollowUpFacts = {
  truth: { kind: 'masked', labels: new Int32Array(0), regionSizes: [], largestCell: 3 },
  analysis,
  score: 0.83,
  typeWords: ['broken', 'missing piece'],
  firstAnswer: 'Yes, there is a medium-sized missing piece on the left side of the bottle.',
  instruction: 'Ignore a faint shadow cast along the edge.',
};

describe('judgeFollowUp', () => {
  it.each([
    ['type', 'It looks like a missing piece.', true],
    ['type', 'I am not sure what type it is: the map shows where, not what.', false],
    ['type', 'It is a minor defect.', false],
    ['type', 'It is a scratch.', false],
    ['location', 'The anomaly is on the left side.', true],
    ['location', 'The anomaly is on the right side.', false],
    ['size', 'The anomaly is medium-sized: it covers about 3.0% of the image.', true],
    ['size', 'It is a minor defect.', false],
    ['size', 'The anomaly is medium-sized: it covers about 9% of the image.', false],
    ['size', 'The anomaly is tiny: it covers about 3.0% of the image.', false],
    ['count', "The expert's map shows one anomalous region.", true],
    ['count', 'There are two anomalies.', false],
    ['why', "It failed because the expert's score is 0.83, clearly above the decision threshold of 0.5.", true],
    ['why', 'It is one anomaly.', false],
    ['instruction', 'The instruction in force is "Ignore a faint shadow cast along the edge." It did not change the verdict.', true],
    ['instruction', 'The instruction in force is "Ignore a faint shadow cast along the edge." It changed the verdict.', false],
    ['instruction', 'It did not change the verdict.', false],
  ] as const)('%s: %j is %s', (asks, answer, right) => {
    expect(judgeFollowUp(asks, answer, facts)).toBe(right);
  });

  it('counts doubt about the type as right only where the map holds no region behind the "Yes"', () => {
    const unbacked = { ...facts, analysis: { ...analysis, regions: [] } };
    expect(judgeFollowUp('type', 'I am not sure what type it is: the map holds no region.', unbacked)).toBe(true);
    expect(judgeFollowUp('type', 'It looks like a missing piece.', unbacked)).toBe(false);
  });

  it('does not score what the facts cannot check', () => {
    const empty = { ...facts, truth: { kind: 'unmasked' as const }, analysis: { ...analysis, regions: [] }, typeWords: null };
    expect(judgeFollowUp('type', 'It is a crack.', empty)).toBeNull();
    expect(judgeFollowUp('location', 'On the left side.', empty)).toBeNull();
    expect(judgeFollowUp('size', 'Small.', empty)).toBeNull();
  });
});
