/** Whether a key event's target is a field the user types into: screen shortcuts leave those keys alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const t = target as { tagName?: string; isContentEditable?: boolean } | null;
  return t !== null && (t.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName ?? ''));
}
