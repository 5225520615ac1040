import { describe, expect, it } from 'vitest';
import { keepNameCompletion, namePrefixAt } from '../../../../host/lmm/myriad-s/name-completion';

const allowed = (tokenTexts: string[], text: string, name: string) => {
  const logits = new Float32Array(tokenTexts.length);
  keepNameCompletion(logits, 0, tokenTexts.length, text, name, tokenTexts);
  return tokenTexts.filter((_, i) => logits[i] !== -Infinity);
};

describe('product name completion', () => {
  it('finishes a name the answer has started after "the"', () => {
    const vocab = ['ses', 'sher', 's', 'sh', 'sher.', 'shers', '', ' tile', ' tiles', 'tile'];
    expect(allowed(vocab, 'No, there is no anomaly on the demo-wa', 'demo-washer')).toEqual(['sher', 's', 'sh', 'sher.']);
    expect(allowed(vocab, 'Yes, there is a dent at the top of the magnetic', 'magnetic tile')).toEqual([' tile']);
  });

  it('leaves a prefix alone while it may still become a word the answers use after "the"', () => {
    // "the bott" may be "the bottom" of a bottle; "the cen" the center of a centrifuge
    expect(namePrefixAt('Yes, a dent at the bott', 'bottle')).toBeNull();
    expect(namePrefixAt('Yes, a dent at the botto', 'bottle')).toBeNull();
    expect(namePrefixAt('Yes, a dent at the bottom of the bottl', 'bottle')).toBe(' bottl');
    expect(namePrefixAt('Yes, a dent in the cen', 'centrifuge')).toBeNull();
    const vocab = ['m', 'le', 'tom'];
    expect(allowed(vocab, 'Yes, a dent at the bott', 'bottle')).toEqual(vocab);
  });

  it('starts only after the word "the" and a few characters, and stops once the name is whole', () => {
    expect(namePrefixAt('on the de', 'demo-washer')).toBeNull();
    expect(namePrefixAt('on the dem', 'demo-washer')).toBe(' dem');
    expect(namePrefixAt('bathe dem', 'demo-washer')).toBeNull();
    expect(namePrefixAt('on the demo-washer', 'demo-washer')).toBeNull();
    expect(namePrefixAt('on the gasket', 'washer')).toBeNull();
  });

  it('writes the name from its first character where the answers put nothing but the product', () => {
    const vocab = [' piece', ' bracket', ' br', ' ', 'b', ' bracket.', ' brackets', ' top', ':'];
    // "The piece": what a model that does not start the name writes for a product called "bracket".
    expect(allowed(vocab, 'No, there is no anomaly on the', 'bracket')).toEqual([' bracket', ' br', ' ', ' bracket.']);
    expect(allowed(vocab, 'Yes, there are two anomalies on the', 'bracket')).toEqual([' bracket', ' br', ' ', ' bracket.']);
    expect(allowed(vocab, 'Yes, there is a dent in the top left corner of the', 'bracket')).toEqual([' bracket', ' br', ' ', ' bracket.']);
    expect(allowed(['b', 'racket', 'x'], 'Yes, there is a dent at the bottom of the ', 'bracket')).toEqual(['b']);
    expect(namePrefixAt('It is on the left side of the br', 'bracket')).toBe(' br');
    // Elsewhere "the" is followed by other words: a size answer's "of the image", "on the left side".
    expect(allowed(vocab, 'It is small, about 3% of the', 'bracket')).toEqual(vocab);
    expect(allowed(vocab, 'Yes, there is a dent on the', 'bracket')).toEqual(vocab);
    // A whole name ends the slot.
    expect(namePrefixAt('No, there is no anomaly on the bracket', 'bracket')).toBeNull();
  });

  it('masks nothing when no token can go on with the name', () => {
    const vocab = ['x', 'y'];
    expect(allowed(vocab, 'on the Zahn', 'Zahnräd')).toEqual(vocab);
  });
});
