import type { Events } from '../../common/api';
import type { Station } from '../../host/station';

/** The next `event` the station emits for the dialog turn `turnId`. */
export function nextTurnEvent<E extends keyof Events>(station: Station, event: E, turnId: string): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = station.on(event, (p) => {
      if ((p as { turnId: string }).turnId === turnId) {
        off();
        resolve(p);
      }
    });
  });
}
