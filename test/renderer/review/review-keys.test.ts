import { describe, expect, it } from 'vitest';
import { reviewKeyAction } from '../../../renderer/src/review/review-keys';

const key = (k: string, extra: Partial<{ target: unknown; ctrlKey: boolean; repeat: boolean }> = {}) =>
  reviewKeyAction({ key: k, target: extra.target ?? null, ctrlKey: extra.ctrlKey ?? false, altKey: false, metaKey: false, repeat: extra.repeat ?? false } as never);

describe('review keys', () => {
  it('maps one key to each decision, either case', () => {
    expect(key('d')).toEqual({ kind: 'decide', decision: 'defect' });
    expect(key('G')).toEqual({ kind: 'decide', decision: 'good' });
    expect(key('r')).toEqual({ kind: 'decide', decision: 'reinspect' });
  });

  it('moves, zooms, toggles the overlay and the golden option', () => {
    expect(key('j')).toEqual({ kind: 'move', step: 1 });
    expect(key('ArrowUp')).toEqual({ kind: 'move', step: -1 });
    expect(key('+')).toEqual({ kind: 'zoom', step: 1 });
    expect(key('-')).toEqual({ kind: 'zoom', step: -1 });
    expect(key('o')).toEqual({ kind: 'overlay' });
    expect(key('a')).toEqual({ kind: 'golden' });
  });

  it('ignores keys typed into a field, with a modifier, or auto-repeated', () => {
    expect(key('d', { target: { tagName: 'INPUT' } })).toBeNull();
    expect(key('g', { target: { tagName: 'SELECT' } })).toBeNull();
    expect(key('d', { ctrlKey: true })).toBeNull();
    expect(key('d', { repeat: true })).toBeNull();
    expect(key('x')).toBeNull();
  });
});
