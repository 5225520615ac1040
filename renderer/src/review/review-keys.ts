import { isTypingTarget } from '../components/typing-target';
import type { ReviewDecision } from '../../../common/api';

export type ReviewKeyAction =
  | { kind: 'decide'; decision: ReviewDecision }
  | { kind: 'move'; step: number }
  | { kind: 'zoom'; step: number }
  | { kind: 'overlay' }
  | { kind: 'golden' };

const KEYS: Record<string, ReviewKeyAction> = {
  d: { kind: 'decide', decision: 'defect' },
  g: { kind: 'decide', decision: 'good' },
  r: { kind: 'decide', decision: 'reinspect' },
  j: { kind: 'move', step: 1 },
  ArrowDown: { kind: 'move', step: 1 },
  k: { kind: 'move', step: -1 },
  ArrowUp: { kind: 'move', step: -1 },
  '+': { kind: 'zoom', step: 1 },
  '=': { kind: 'zoom', step: 1 },
  '-': { kind: 'zoom', step: -1 },
  o: { kind: 'overlay' },
  a: { kind: 'golden' },
};

/** One key per action, ignored while typing in a field or with a modifier held. */
export function reviewKeyAction(e: Pick<KeyboardEvent, 'key' | 'target' | 'ctrlKey' | 'altKey' | 'metaKey' | 'repeat'>): ReviewKeyAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return null;
  if (isTypingTarget(e.target)) return null;
  return KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key] ?? null;
}
