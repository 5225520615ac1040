import { describe, expect, it } from 'vitest';
import type { DialogTurn, InspectionRecord } from '../../../common/api';
import { dialogReducer, EMPTY_DIALOG, type DialogAction, type DialogState } from '../../../renderer/src/hooks/useDialog';

const record = (id: string, dialog: DialogTurn[] = []): InspectionRecord => ({
  id,
  recipe: 'bottle',
  recipeVersion: 1,
  verdict: 'fail',
  score: 0.9,
  threshold: 0.5,
  band: { t1: 0.45, t2: 0.55 },
  imageSha256: 'a'.repeat(64),
  mapSha256: 'b'.repeat(64),
  width: 8,
  height: 8,
  createdAt: '2026-01-01T00:00:00.000Z',
  models: { backbone: 'bb', expert: 'patchcore', lmm: 'narrator@1' },
  instructions: [],
  dialog,
  timings: { decode: 1, backbone: 1, expert: 1, lmm_first_token: null, lmm_total: null, db: 1, total: 3 },
  flags: [],
  outcome: null,
  partId: null,
  expertVerdict: 'fail',
  modelVerdict: null,
  decidedBy: 'expert',
});

const turn = (id: string, role: DialogTurn['role'], text: string, inspectionId = 'i1'): DialogTurn => ({
  id,
  inspectionId,
  role,
  text,
  createdAt: '2026-01-01T00:00:01.000Z',
  model: role === 'assistant' ? 'narrator@1' : null,
});

const run = (actions: DialogAction[], from: DialogState = EMPTY_DIALOG) => actions.reduce(dialogReducer, from);
const shown = (s: DialogState) => s.order.map((id) => s.turns[id]);

describe('dialogReducer', () => {
  it('keeps tokens that arrive before the inspect call returns', () => {
    const s = run([
      { type: 'token', turnId: 'a1', delta: 'Yes, ' },
      { type: 'token', turnId: 'a1', delta: 'a crack' },
      { type: 'show', record: record('i1'), answerTurnId: 'a1' },
      { type: 'token', turnId: 'a1', delta: ' at the top.' },
    ]);
    expect(shown(s)).toEqual([expect.objectContaining({ id: 'a1', role: 'assistant', text: 'Yes, a crack at the top.', status: 'streaming' })]);
  });

  it('replaces the streamed text with the recorded turn when done and ignores late tokens', () => {
    const s = run([
      { type: 'show', record: record('i1'), answerTurnId: 'a1' },
      { type: 'token', turnId: 'a1', delta: 'Yes' },
      { type: 'done', turnId: 'a1', turn: turn('a1', 'assistant', 'Yes, a crack.') },
      { type: 'token', turnId: 'a1', delta: 'garbage' },
    ]);
    expect(shown(s)).toEqual([expect.objectContaining({ text: 'Yes, a crack.', status: 'done', model: 'narrator@1' })]);
  });

  it('appends a question and its streamed reply, and marks a cancelled reply', () => {
    const s = run([
      { type: 'show', record: record('i1'), answerTurnId: 'a1' },
      { type: 'asked', question: turn('q1', 'operator', 'Where?'), replyTurnId: 'a2' },
      { type: 'error', turnId: 'a2', code: 'CANCELLED', message: 'Stopped by the operator' },
    ]);
    expect(shown(s).map((t) => [t?.role, t?.status])).toEqual([
      ['assistant', 'streaming'],
      ['operator', 'done'],
      ['assistant', 'cancelled'],
    ]);
  });

  it('ignores a question answered for an inspection no longer on screen', () => {
    const s = run([
      { type: 'show', record: record('i2'), answerTurnId: 'a9' },
      { type: 'asked', question: turn('q1', 'operator', 'Where?', 'i1'), replyTurnId: 'a2' },
    ]);
    expect(s.order).toEqual(['a9']);
  });

  it('shows a recorded inspection with its whole dialog and nothing streaming', () => {
    const s = run([{ type: 'show', record: record('i1', [turn('a1', 'assistant', 'No.'), turn('q1', 'operator', 'Sure?')]), answerTurnId: null }]);
    expect(shown(s).map((t) => t?.status)).toEqual(['done', 'done']);
  });
});
