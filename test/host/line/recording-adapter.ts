import type { AdapterState, LineAdapter, LineMessage, StationLineState } from '../../../host/line/line-adapter';

/** A connected MQTT channel that keeps every message it is handed: what the line heard, in order. */
export class RecordingAdapter implements LineAdapter {
  readonly name = 'mqtt' as const;
  readonly got: LineMessage[] = [];
  async start(): Promise<void> {}
  wants(): boolean {
    return true;
  }
  async deliver(m: LineMessage): Promise<void> {
    this.got.push(m);
  }
  stationState(_state: StationLineState): void {}
  state(): AdapterState {
    return { adapter: 'mqtt', status: 'connected', detail: null, since: '' };
  }
  onState(): () => void {
    return () => undefined;
  }
  async stop(): Promise<void> {}
}
