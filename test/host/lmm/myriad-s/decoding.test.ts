import { describe, expect, it } from 'vitest';
import { TextStreamer, argmax, findStop, sampleTopP, seededRandom } from '../../../../host/lmm/myriad-s/decoding';
import { opensWith } from '../../../../host/lmm/myriad-s/decoding';
import { keepOpenings, openingIsWhole, openWithOneOf } from '../../../../host/lmm/myriad-s/opening-words';

/** A toy decoder: id i is the i-th piece, so tests read as text. */
function pieces(...p: string[]) {
  return (ids: readonly number[]) => ids.map((i) => p[i] ?? '').join('');
}

describe('TextStreamer', () => {
  it('drops the leading space, holds trailing whitespace and adds up to the answer', () => {
    const s = new TextStreamer(pieces(' Yes', ',', ' there', ' is', '.'), []);
    const deltas = [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]].map((ids) => s.update(ids).delta);
    deltas.push(s.finish());
    expect(deltas).toEqual(['Yes', ',', ' there', ' is', '.', '']);
    expect(s.emittedText).toBe('Yes, there is.');
  });

  it('holds back a possible stop string and cuts the text at a complete one', () => {
    const s = new TextStreamer(pieces(' No', '.', '\n', 'Oper', 'ator:', ' next'), ['\nOperator:']);
    expect(s.update([0, 1]).delta).toBe('No.');
    expect(s.update([0, 1, 2]).delta).toBe('');
    expect(s.update([0, 1, 2, 3]).delta).toBe('');
    expect(s.update([0, 1, 2, 3, 4])).toEqual({ delta: '', stopped: true });
    expect(s.finish()).toBe('');
    expect(s.emittedText).toBe('No.');
  });

  it('releases held text when it turns out not to be a stop string', () => {
    const s = new TextStreamer(pieces(' a', '\n', 'Other'), ['\nOperator:']);
    s.update([0]);
    expect(s.update([0, 1]).delta).toBe('');
    expect(s.update([0, 1, 2]).delta).toBe('\nOther');
  });

  it('waits for the rest of a character split across tokens', () => {
    const s = new TextStreamer(pieces(' na', '\uFFFD', 'ïve'), []);
    expect(s.update([0]).delta).toBe('na');
    expect(s.update([0, 1]).delta).toBe('');
  });
});

describe('token choice', () => {
  const logits = Float32Array.from([0, 9, 1, 2, 3, 8.5]);

  it('argmax reads the last row at an offset', () => {
    expect(argmax(logits, 0, 3)).toBe(1);
    expect(argmax(logits, 3, 3)).toBe(2);
  });

  it('top-p keeps only the nucleus and is reproducible from the seed', () => {
    const draws = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 200 }, () => sampleTopP(logits, 0, 6, 0.9, 1, r));
    };
    const a = draws(7);
    expect(new Set(a)).toEqual(new Set([1, 5]));
    expect(draws(7)).toEqual(a);
    expect(new Set(Array.from({ length: 50 }, () => sampleTopP(logits, 0, 6, 0.5, 1, seededRandom(1))))).toEqual(new Set([1]));
  });

  it('findStop gives the earliest stop string', () => {
    expect(findStop('a</s>b\nOperator:', ['\nOperator:', '</s>'])).toBe(1);
    expect(findStop('plain', ['</s>'])).toBe(-1);
  });
});

describe('first-answer opening (opening-words.keepOpenings)', () => {
  const words = ['Yes', 'No'];
  const allowed = (tokenTexts: string[], sofar: string, first = true) => {
    const logits = new Float32Array(tokenTexts.length);
    keepOpenings(logits, 0, tokenTexts.length, sofar, { words, tokenTexts }, first);
    return tokenTexts.filter((_, i) => logits[i] !== -Infinity);
  };

  it('keeps only tokens on the way to a whole "Yes" or "No"', () => {
    const vocab = ['It', ' Yes', 'No', 'Not', 'Y', ' ', '</s>', 'Yesterday', 'No,', 'es', 'es,', 'ear', ''];
    expect(allowed(vocab, '')).toEqual([' Yes', 'No', 'Y', ' ', 'No,']);
    expect(allowed(vocab, 'Y')).toEqual(['es', 'es,']);
  });

  it('lets white space lead the answer once, never a token that decodes to nothing', () => {
    const vocab = [' ', '\n', '', ' Yes', 'No'];
    expect(allowed(vocab, '', true)).toEqual([' ', '\n', ' Yes', 'No']);
    // after a leading space, only progress towards the word
    expect(allowed(vocab, '', false)).toEqual([' Yes', 'No']);
  });

  it('tells a whole opening word from a longer word that starts with it', () => {
    expect(opensWith('Yes, there is', 'Yes')).toBe(true);
    expect(opensWith('No.', 'No')).toBe(true);
    expect(opensWith('None', 'No')).toBe(false);
    expect(opensWith('Yesterday', 'Yes')).toBe(false);
    expect(opensWith('Ye', 'Yes')).toBe(true);
    expect(opensWith('It is', 'Yes')).toBe(false);
  });

  it('openWithOneOf keeps a letter from following a whole opening word, so "Yes" or "No" alone is the word', () => {
    const vocab = ['Yes', 'No', 'terday', 'thing', ',', ' there', '.', 'es'];
    const rule = openWithOneOf(words, vocab);
    const masked = (text: string) => {
      const logits = new Float32Array(vocab.length);
      rule.process?.({ logits, offset: 0, vocab: vocab.length, ids: text === '' ? [] : [0], text, decode: () => text, lookAhead: async () => text });
      return vocab.filter((_, i) => logits[i] === -Infinity);
    };
    expect(masked('Yes')).toEqual(['Yes', 'No', 'terday', 'thing', 'es']);
    expect(openingIsWhole(words, 'Yes')).toBe(true);
    expect(openingIsWhole(words, ' No')).toBe(true);
    expect(openingIsWhole(words, 'Ye')).toBe(false);
    expect(openingIsWhole(words, 'Yes,')).toBe(false);
    // once a non-letter followed, the rule is done
    expect(masked('Yes,')).toEqual([]);
  });
});

