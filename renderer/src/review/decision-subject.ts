/**
 * The part a decision (key or button) applies to: the one whose detail is on screen, and only while
 * it is the selected one. After J/K the queue highlights the next part at once while its detail is
 * still loading; a decision then would record a verdict for the previous part, which the operator
 * has already moved away from.
 */
export function decisionSubject(shownId: string | null, selectedId: string | null): string | null {
  return shownId !== null && shownId === selectedId ? shownId : null;
}
