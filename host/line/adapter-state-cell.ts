import type { AdapterState, LineAdapterName } from './line-adapter';

/**
 * An adapter's connection state and who listens to it: each change is a new object with its own
 * `since`, and setting the state it already has tells nobody (the line service would emit a
 * `line.state` for nothing).
 */
export class AdapterStateCell {
  private current: AdapterState;
  private readonly listeners = new Set<(state: AdapterState) => void>();

  constructor(private readonly adapter: LineAdapterName) {
    this.current = { adapter, status: 'off', detail: null, since: new Date().toISOString() };
  }

  get(): AdapterState {
    return this.current;
  }

  set(status: AdapterState['status'], detail: string | null): void {
    if (this.current.status === status && this.current.detail === detail) return;
    this.current = { adapter: this.adapter, status, detail, since: new Date().toISOString() };
    for (const listener of this.listeners) listener(this.current);
  }

  on(listener: (state: AdapterState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
