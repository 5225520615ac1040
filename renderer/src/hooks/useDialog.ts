import { useEffect, useReducer } from 'react';
import type { DialogTurn, InspectionRecord, StationClient } from '../../../common/api';

export interface ShownTurn {
  id: string;
  role: 'operator' | 'assistant';
  text: string;
  status: 'streaming' | 'done' | 'error' | 'cancelled';
  error: string | null;
  model: string | null;
  createdAt: string | null;
  /** Instructions the answer could not apply (no room in the model's budget). */
  leftOut: string[];
}

export interface DialogState {
  inspectionId: string | null;
  order: string[];
  /** Every turn seen, including ones whose tokens arrived before the call that created them returned. */
  turns: Record<string, ShownTurn>;
}

export type DialogAction =
  | { type: 'token'; turnId: string; delta: string }
  | { type: 'done'; turn: DialogTurn; turnId: string }
  | { type: 'error'; turnId: string; code: string; message: string }
  | { type: 'show'; record: InspectionRecord; answerTurnId: string | null }
  | { type: 'asked'; question: DialogTurn; replyTurnId: string };

export const EMPTY_DIALOG: DialogState = { inspectionId: null, order: [], turns: {} };

function streaming(id: string): ShownTurn {
  return { id, role: 'assistant', text: '', status: 'streaming', error: null, model: null, createdAt: null, leftOut: [] };
}

function fromRecord(turn: DialogTurn): ShownTurn {
  return {
    id: turn.id,
    role: turn.role,
    text: turn.text,
    status: 'done',
    error: null,
    model: turn.model,
    createdAt: turn.createdAt,
    leftOut: turn.instructionsLeftOut ?? [],
  };
}

/** Pure, so the ordering cases (tokens before the call that started them returned) are testable. */
export function dialogReducer(state: DialogState, action: DialogAction): DialogState {
  switch (action.type) {
    case 'token': {
      const turn = state.turns[action.turnId] ?? streaming(action.turnId);
      if (turn.status !== 'streaming') return state;
      return { ...state, turns: { ...state.turns, [action.turnId]: { ...turn, text: turn.text + action.delta } } };
    }
    case 'done':
      return { ...state, turns: { ...state.turns, [action.turnId]: { ...fromRecord(action.turn), id: action.turnId } } };
    case 'error': {
      const turn = state.turns[action.turnId] ?? streaming(action.turnId);
      const status = action.code === 'CANCELLED' ? 'cancelled' : 'error';
      return { ...state, turns: { ...state.turns, [action.turnId]: { ...turn, status, error: action.message } } };
    }
    case 'show': {
      const turns = { ...state.turns };
      const order: string[] = [];
      for (const t of action.record.dialog) {
        turns[t.id] = fromRecord(t);
        order.push(t.id);
      }
      if (action.answerTurnId && !order.includes(action.answerTurnId)) {
        order.unshift(action.answerTurnId);
        turns[action.answerTurnId] ??= streaming(action.answerTurnId);
      }
      return { inspectionId: action.record.id, order, turns };
    }
    case 'asked': {
      if (action.question.inspectionId !== state.inspectionId) return state;
      const turns = { ...state.turns, [action.question.id]: fromRecord(action.question) };
      turns[action.replyTurnId] ??= streaming(action.replyTurnId);
      return { ...state, turns, order: [...state.order, action.question.id, action.replyTurnId] };
    }
  }
}

/** The dialog of the inspection on screen, fed by the host's dialog.* events. */
export function useDialog(client: StationClient) {
  const [state, dispatch] = useReducer(dialogReducer, EMPTY_DIALOG);

  useEffect(() => {
    const offs = [
      client.on('dialog.token', (p) => dispatch({ type: 'token', turnId: p.turnId, delta: p.delta })),
      client.on('dialog.done', (p) => dispatch({ type: 'done', turnId: p.turnId, turn: p.turn })),
      client.on('dialog.error', (p) => dispatch({ type: 'error', turnId: p.turnId, code: p.code, message: p.message })),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  const shown = state.order.map((id) => state.turns[id]).filter((t): t is ShownTurn => t !== undefined);
  return {
    inspectionId: state.inspectionId,
    turns: shown,
    streamingTurn: shown.find((t) => t.status === 'streaming') ?? null,
    show: (record: InspectionRecord, answerTurnId: string | null) => dispatch({ type: 'show', record, answerTurnId }),
    asked: (question: DialogTurn, replyTurnId: string) => dispatch({ type: 'asked', question, replyTurnId }),
  };
}
