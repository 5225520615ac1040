import { StationError } from '../../common/errors';
import type { AdapterState, LineAdapter, LineAdapterName, LineInbound, LineMessage, StationLineState } from './line-adapter';

/**
 * An adapter whose module is loaded when it starts, not when the station opens: node-opcua takes
 * seconds to import, and a station whose OPC UA server is off (the default) should not pay for it.
 */
export class DeferredAdapter implements LineAdapter {
  private inner: LineAdapter | null = null;
  private lastStationState: StationLineState | null = null;
  private readonly listeners = new Set<(state: AdapterState) => void>();
  private readonly since = new Date().toISOString();

  constructor(
    readonly name: LineAdapterName,
    private readonly load: () => Promise<LineAdapter>,
  ) {}

  async start(inbound: LineInbound): Promise<void> {
    const inner = await this.load();
    this.inner = inner;
    inner.onState((state) => {
      for (const l of this.listeners) l(state);
    });
    if (this.lastStationState) inner.stationState(this.lastStationState);
    await inner.start(inbound);
  }

  wants(message: LineMessage): boolean {
    return this.inner?.wants(message) ?? false;
  }

  deliver(message: LineMessage): Promise<void> {
    if (!this.inner) return Promise.reject(new StationError('UNAVAILABLE', `The ${this.name} adapter has not started`));
    return this.inner.deliver(message);
  }

  stationState(state: StationLineState): void {
    this.lastStationState = state;
    this.inner?.stationState(state);
  }

  state(): AdapterState {
    return this.inner?.state() ?? { adapter: this.name, status: 'connecting', detail: 'starting', since: this.since };
  }

  onState(listener: (state: AdapterState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
  }
}
