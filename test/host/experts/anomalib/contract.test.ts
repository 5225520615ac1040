import { describe, expect, it } from 'vitest';
import { StationError } from '../../../../common/errors';
import { detectContract } from '../../../../host/experts/anomalib/contract';
import { bandFromGoldenScores } from '../../../../host/experts/anomalib/golden-band';
import { parseV1Metadata } from '../../../../host/experts/anomalib/metadata';
import { normaliseScore, toThresholdScale } from '../../../../host/experts/anomalib/normalise';

describe('detectContract', () => {
  it('recognises v2 by its InferenceBatch output names, in any order', () => {
    expect(detectContract(['anomaly_map', 'pred_mask', 'pred_label', 'pred_score'], 'm').version).toBe('v2');
    expect(detectContract(['pred_score', 'anomaly_map'], 'm').version).toBe('v2');
  });

  it('recognises v1 by "output", with an auto-named score output as anomalib 1.0 PatchCore writes it', () => {
    expect(detectContract(['output'], 'm')).toEqual({ version: 'v1', mapOutput: 'output', scoreOutput: null });
    expect(detectContract(['output', '1047'], 'm')).toEqual({ version: 'v1', mapOutput: 'output', scoreOutput: '1047' });
    expect(detectContract(['anomaly_maps', 'pred_scores'], 'm').version).toBe('v1');
  });

  it('refuses other names and more than two unnamed outputs', () => {
    for (const names of [['logits'], ['output', 'a', 'b'], ['pred_score', 'anomaly_map', 'features'], []]) {
      expect(() => detectContract(names, 'm')).toThrow(StationError);
    }
  });
});

describe('anomalib min-max normalisation', () => {
  it('matches anomalib normalize(): threshold to 0.5, (max - min) to a distance of 1', () => {
    // anomalib's docstring example: scores [0.1, 0.5, 0.8], threshold 0.5, min 0, max 1 -> [0.1, 0.5, 0.8]
    const scaled = [0.1, 0.5, 0.8].map((s) => toThresholdScale(s, 0.5, 0, 1));
    scaled.forEach((v, i) => expect(v).toBeCloseTo([0.1, 0.5, 0.8][i] as number, 12));
    expect(toThresholdScale(3, 2, 1, 5)).toBe(0.75);
    expect(normaliseScore(0, 2, 1, 5)).toBe(0);
    expect(normaliseScore(9, 2, 1, 5)).toBe(2.25);
  });
});

describe('parseV1Metadata', () => {
  it('falls back from pixel to image threshold and from map to score min/max', () => {
    const m = parseV1Metadata({ image_threshold: 3, 'pred_scores.min': 1, 'pred_scores.max': 5, extra: [1] }, 'f');
    expect(m).toMatchObject({ pixelThreshold: 3, map: { min: 1, max: 5 }, inputSize: null, normalize: null });
  });

  it('names the file and the faulty key', () => {
    expect(() => parseV1Metadata([], 'meta.json')).toThrow(/meta\.json is malformed/);
    expect(() => parseV1Metadata({ image_threshold: null, min: 0, max: 1 }, 'meta.json')).toThrow(/image_threshold/);
    expect(() => parseV1Metadata({ image_threshold: 1, 'pred_scores.min': 0 }, 'meta.json')).toThrow(/no score min\/max/);
  });
});

describe('bandFromGoldenScores', () => {
  it('passes every golden sample and puts a review margin on both sides of 0.5', () => {
    const { band, notes } = bandFromGoldenScores([0.1, 0.1, 0.1]);
    expect(band.t1).toBeCloseTo(0.12, 6);
    expect(band.t2).toBeCloseTo(0.52, 6);
    expect(notes).toEqual([]);
    // std 0.01633: the margin is 2 * std once that exceeds the 0.02 minimum
    const spread = bandFromGoldenScores([0.1, 0.12, 0.14]).band;
    expect(spread.t1).toBeCloseTo(0.14 + 2 * Math.sqrt(0.0008 / 3), 6);
    expect(spread.t2).toBeCloseTo(0.5 + 2 * Math.sqrt(0.0008 / 3), 6);
  });

  it('keeps the exported threshold when golden samples score above it, and says so', () => {
    const { band, notes } = bandFromGoldenScores([0.3, 0.7]);
    expect(band.t1).toBe(0.5);
    expect(band.t2).toBeCloseTo(0.9, 6);
    expect(notes[0]).toMatch(/1 of 2 golden samples score above/);
  });
});
