import { useEffect, useEffectEvent, useState } from 'react';
import { MAX_PROMPT_CHARS, type InstructionRoom, type StationClient } from '../../../common/api';

/** The room as measured, and the draft it was measured for (answers arrive after the text moved on). */
export interface MeasuredRoom {
  room: InstructionRoom;
  forText: string;
}

/** Waits this long after the last keystroke before asking the host to measure the draft. */
const MEASURE_DELAY_MS = 150;

/**
 * The room the recipe's instructions leave in the dialog model's budget and what the draft would
 * take of it. Only the host can count (in the model's tokens), so it is asked again as the operator
 * types and whenever the instructions change. null: no recipe, or a station without a budget.
 */
export function useInstructionRoom(
  client: StationClient,
  recipe: string | null,
  instructionsKey: string,
  draft: string,
  onError: (err: unknown) => void,
): MeasuredRoom | null {
  const [measured, setMeasured] = useState<MeasuredRoom | null>(null);
  // Not a dependency of the measurement: a caller's new `onError` at each render would ask the
  // host again at each render.
  const reportError = useEffectEvent(onError);
  useEffect(() => {
    if (recipe === null) return setMeasured(null);
    let live = true;
    const text = draft.trim();
    // A draft over the API's character limit is measured by its first part: it cannot fit either way.
    const measure = text.slice(0, MAX_PROMPT_CHARS);
    const timer = setTimeout(
      () => {
        client.call('instructions.room', { recipe, ...(measure ? { draft: measure } : {}) }).then((room) => {
          if (live) setMeasured(room && { room, forText: text });
        }, reportError);
      },
      text ? MEASURE_DELAY_MS : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, recipe, instructionsKey, draft]);
  return measured;
}
