import { randomUUID } from 'node:crypto';
import type { FrameInput } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import type { StationEvents } from '../events';
import { frameBytes } from '../inspection/frame-source';
import type { BlobStore } from '../store/blob-store';
import type { TriggerFrame, UiFrames } from './trigger-camera';

/** How long a trigger waits for the screen's still by default: a PLC waiting for OK/NG should not wait long. */
export const UI_FRAME_TIMEOUT_MS = 3000;

interface Provider {
  providerId: string;
  /** The device the screen shows ('' when the browser does not say). */
  deviceId: string;
}

interface Pending {
  connection: string;
  resolve: (frame: TriggerFrame) => void;
  reject: (err: StationError) => void;
  timer: NodeJS.Timeout;
}

/** The answer of `line.frame`: a still, or why the screen could not take one. */
export type UiFrameAnswer = { requestId: string; frame: Extract<FrameInput, { kind: 'upload' }> } | { requestId: string; error: string };

/**
 * Webcam stills for line triggers from the screens that show a webcam live (the webcam is opened
 * by the renderer with getUserMedia, never by the host). A screen offers its webcam with
 * `line.offerWebcam` on its connection; a trigger asks the newest offer that shows the wanted
 * device with a `line.frameRequest` event and waits for that same connection's `line.frame`.
 */
export class UiFrameRequests implements UiFrames {
  /** By connection, in the order offered (the newest last). */
  private readonly providers = new Map<string, Provider>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly events: StationEvents,
    private readonly blobs: BlobStore,
    private readonly timeoutMs: number = UI_FRAME_TIMEOUT_MS,
  ) {}

  /** `deviceId` null withdraws the connection's offer; what it was asked and has not answered fails. */
  offer(connection: string, deviceId: string | null): { providerId: string | null } {
    this.providers.delete(connection);
    if (deviceId === null) {
      this.failPending(connection, 'The Inspect screen stopped showing its webcam before it sent the frame');
      return { providerId: null };
    }
    const provider = { providerId: randomUUID(), deviceId };
    this.providers.set(connection, provider);
    return { providerId: provider.providerId };
  }

  /**
   * A still (or a refusal) for request `answer.requestId`, from the connection that was asked.
   * @returns false when the request has already timed out or been answered
   * @throws StationError('NOT_FOUND') when this connection was never asked for it
   */
  async answer(connection: string, answer: UiFrameAnswer): Promise<{ accepted: boolean }> {
    const p = this.pending.get(answer.requestId);
    if (!p) return { accepted: false };
    if (p.connection !== connection) throw new StationError('NOT_FOUND', `No webcam frame ${answer.requestId} was asked of this screen`);
    this.pending.delete(answer.requestId);
    clearTimeout(p.timer);
    if ('error' in answer) {
      p.reject(new StationError('UNAVAILABLE', `The Inspect screen could not take a webcam frame: ${answer.error}`));
      return { accepted: true };
    }
    try {
      const frame = await frameBytes(answer.frame, this.blobs);
      p.resolve({ frame, name: null });
      return { accepted: true };
    } catch (err) {
      const wire = toWireError(err);
      p.reject(new StationError(wire.code === 'INTERNAL' ? 'UNAVAILABLE' : wire.code, `The Inspect screen's webcam frame was refused: ${wire.message}`));
      throw err;
    }
  }

  /** @throws StationError('UNAVAILABLE') with the reason: no screen offers the device, it failed, or it did not answer in time */
  grab(deviceId: string): Promise<TriggerFrame> {
    const offered = [...this.providers].reverse().find(([, p]) => deviceId === '' || p.deviceId === deviceId);
    if (!offered) {
      const which = deviceId === '' ? 'a webcam' : `webcam ${JSON.stringify(deviceId.slice(0, 80))}`;
      return Promise.reject(new StationError('UNAVAILABLE', `No Inspect screen shows ${which} live on this station: open the Inspect screen with the webcam to take line triggers from it`));
    }
    const [connection, provider] = offered;
    const requestId = randomUUID();
    return new Promise<TriggerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new StationError('UNAVAILABLE', `The Inspect screen did not send a webcam frame within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.pending.set(requestId, { connection, resolve, reject, timer });
      this.events.emit('line.frameRequest', { requestId, providerId: provider.providerId, deviceId: provider.deviceId });
    });
  }

  /** The connection has gone (page reloaded, tab closed): its offer ends and what it was asked fails. */
  disconnect(connection: string): void {
    this.providers.delete(connection);
    this.failPending(connection, 'The Inspect screen asked for the webcam frame closed before it sent one');
  }

  close(): void {
    this.providers.clear();
    for (const connection of new Set([...this.pending.values()].map((p) => p.connection))) this.failPending(connection, 'The station is shutting down');
  }

  private failPending(connection: string, reason: string): void {
    for (const [id, p] of this.pending) {
      if (p.connection !== connection) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new StationError('UNAVAILABLE', reason));
    }
  }
}
