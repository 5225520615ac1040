import { describe, expect, it } from 'vitest';
import type { Truth } from '../../../lab/evaluation/ground-truth';
import { judgeAnswer } from '../../../lab/evaluation/lmm-judge';

const topLeft: Truth = { kind: 'masked', labels: new Int32Array(0), regionSizes: [], largestCell: 0 };

describe('judgeAnswer', () => {
  it('scores polarity by the first word; unparseable answers are wrong', () => {
    expect(judgeAnswer('No, there are no anomalies.', null, { kind: 'good' }, null).correct).toBe(true);
    expect(judgeAnswer('Nothing wrong here.', null, { kind: 'good' }, null).correct).toBe(false);
    expect(judgeAnswer('Yes, a crack.', null, { kind: 'good' }, null).correct).toBe(false);
  });

  it('checks location and type only for defective images called defective', () => {
    const j = judgeAnswer('Yes: a small crack in the upper left.', 'crack', topLeft, ['crack']);
    expect(j).toEqual({ correct: true, location: true, type: true });
    expect(judgeAnswer('Yes, a dent at the bottom.', 'crack', topLeft, ['crack'])).toEqual({ correct: true, location: false, type: false });
    expect(judgeAnswer('No anomalies.', 'crack', topLeft, ['crack'])).toEqual({ correct: false, location: null, type: null });
    expect(judgeAnswer('Yes, top left.', 'crack', { kind: 'unmasked' }, null)).toEqual({ correct: true, location: null, type: null });
  });

  it('matches type words as whole words', () => {
    expect(judgeAnswer('Yes, cracked glass.', 'crack', topLeft, ['crack']).type).toBe(false);
    expect(judgeAnswer('Yes, a missing piece.', 'break', topLeft, ['missing piece']).type).toBe(true);
  });
});
