import { describe, expect, it } from 'vitest';
import { decisionSubject } from '../../../renderer/src/review/decision-subject';

describe('decisionSubject', () => {
  it('is the part on screen while it is the selected one', () => {
    expect(decisionSubject('a', 'a')).toBe('a');
  });

  it('is none while the selected part\'s detail is still loading, or nothing is shown', () => {
    // moved from a to b: a is still on screen
    expect(decisionSubject('a', 'b')).toBeNull();
    expect(decisionSubject(null, 'b')).toBeNull();
    expect(decisionSubject('a', null)).toBeNull();
  });
});
