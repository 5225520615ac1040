import { useEffect, useState, type FormEvent } from 'react';

/**
 * A recipe setting being edited: the draft follows the saved value whenever the host sends a new
 * version, and a save is in flight (`busy`) until the host has made that version.
 */
export function useSettingDraft<T>(saved: T, onSave: (value: T) => Promise<void>) {
  const [draft, setDraft] = useState(saved);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(saved), [saved]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await onSave(draft);
    } finally {
      setBusy(false);
    }
  }

  return { draft, setDraft, busy, submit };
}
