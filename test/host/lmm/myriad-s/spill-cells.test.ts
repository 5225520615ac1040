import { describe, expect, it } from 'vitest';
import { opensFurtherSpillSlot, spillStatus } from '../../../../host/lmm/myriad-s/spill-cells';

describe('spill list cells', () => {
  it('finds a repeat of the first spill cell once the repeat is settled', () => {
    // A trained model's words on a held-out synthetic image, repeating its first spill cell.
    const head = 'Yes, there are two anomalies on the luxeri panel: a very large shadow at the top, extending into the top right corner and';
    expect(spillStatus(head)).toBe('open');
    expect(spillStatus(`${head} the top`)).toBe('open'); // may still be "the top left corner"
    expect(spillStatus(`${head} the top right`)).toBe('open');
    expect(spillStatus(`${head} the top right corner`)).toBe('open'); // (nothing longer, but not yet followed by anything)
    expect(spillStatus(`${head} the top right corner;`)).toBe('repeat');
    expect(spillStatus(`${head} the top left corner;`)).toBe('fine');
  });

  it("counts the region's own cell as named, with or without the product after it", () => {
    expect(spillStatus('Yes, there is a dent in the center of the glass bottle, extending into the top and the center.')).toBe('repeat');
    expect(spillStatus('Yes, there is a dent in the center of the glass bottle, extending into the center.')).toBe('repeat');
    expect(spillStatus('It is at the top, extending into the top right corner and the top.')).toBe('repeat');
    expect(spillStatus('It is at the top, extending into the top right corner and the left side.')).toBe('fine');
    // "the top" is not "the top right corner", nor the other way round.
    expect(spillStatus('It is in the top right corner, extending into the top and the right side.')).toBe('fine');
  });

  it('looks only at the spill list the text ends in', () => {
    expect(spillStatus('A dent at the top, extending into the center; and a hole at the center')).toBe('fine');
    expect(spillStatus('A dent at the top, extending into the center; and a hole at the center, extending into the top.')).toBe('fine');
    expect(spillStatus('Yes, there is a dent at the top of the tile.')).toBe('fine');
    expect(spillStatus('It is at the top, extending into the centre and the top.')).toBe('fine'); // outside the grammar
  });

  it('marks where the generator must look ahead: the token that opens a further slot', () => {
    const head = 'It is at the top, extending into the center';
    expect(opensFurtherSpillSlot(head, `${head} and`)).toBe(true);
    expect(opensFurtherSpillSlot(head, `${head} and the`)).toBe(true); // a tokenizer that merges " and the"
    expect(opensFurtherSpillSlot(`${head} and`, `${head} and the`)).toBe(false);
    expect(opensFurtherSpillSlot('It is at the top, extending', 'It is at the top, extending into')).toBe(false);
    expect(opensFurtherSpillSlot(head, `${head}.`)).toBe(false);
    expect(opensFurtherSpillSlot('It is at the top', 'It is at the top and')).toBe(false);
  });
});
