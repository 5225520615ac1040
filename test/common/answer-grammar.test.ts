import { describe, expect, it } from 'vitest';
import { parsePolarity, settledPolarity } from '../../common/answer-grammar';

describe('settledPolarity', () => {
  it('settles "Yes"/"No" once a character that cannot extend the word follows, and agrees with parsePolarity', () => {
    expect(settledPolarity('Yes')).toBeNull();
    expect(settledPolarity('No')).toBeNull();
    expect(settledPolarity('Yes,')).toBe('yes');
    expect(settledPolarity(' No.')).toBe('no');
    // "No" may still grow into "Nothing"
    expect(settledPolarity('Not')).toBe('unknown');
    expect(settledPolarity('Ye')).toBeNull();
    expect(settledPolarity('It')).toBe('unknown');
    for (const text of ['Yes,', ' No.', 'Not', 'It']) expect(settledPolarity(text)).toBe(parsePolarity(text));
  });

  it('settles a whole opening word as it stands when the writer lets no letter follow it', () => {
    expect(settledPolarity('Yes', true)).toBe('yes');
    expect(settledPolarity(' No', true)).toBe('no');
    // a word still on its way is not settled by the promise
    expect(settledPolarity('Ye', true)).toBeNull();
    expect(settledPolarity('', true)).toBeNull();
  });
});
