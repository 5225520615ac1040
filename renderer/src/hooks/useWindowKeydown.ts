import { useEffect, useEffectEvent } from 'react';

/**
 * Calls `onKey` for every keydown on the window, as `onKey` is in the render on screen, so a key
 * pressed the moment a part or an alarm appears acts on it. (A listener re-added by an effect lags
 * the screen: effects run a task after the commit, and a key pressed in between reached the
 * previous render's handler.) `capture` listens in the capture phase, ahead of bubbling listeners.
 *
 * @example useWindowKeydown((e) => { if (e.key === 'Escape') close(); });
 */
export function useWindowKeydown(onKey: (e: KeyboardEvent) => void, capture = false): void {
  // Updated in the same commit as the DOM it describes.
  const handle = useEffectEvent(onKey);
  useEffect(() => {
    const listener = (e: KeyboardEvent) => handle(e);
    window.addEventListener('keydown', listener, capture);
    return () => window.removeEventListener('keydown', listener, capture);
  }, [capture]);
}
