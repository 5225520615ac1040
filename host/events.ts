import type { EventName, Events } from '../common/api';

type Listener<E extends EventName> = (payload: Events[E]) => void;

/** Typed host -> UI events (common/api.ts Events). A throwing listener cannot break the host. */
export class StationEvents {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<EventName>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        // A broken client must not stop an inspection; report it once on stderr.
        process.stderr.write(`listener for ${event} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }
}
