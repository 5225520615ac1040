import { toWireError } from '../../common/errors';
import { writeTransaction, type Db } from '../../db/open';
import { advanceCursor, countFailedDelivery, countOutboxAfter, ensureCursor, getCursor, maxOutboxSeq, outboxAfter } from '../../db/repositories/line-outbox';
import type { LineAdapter } from './line-adapter';
import { parseOutboxPayload } from './outbox-payload';

export const BACKOFF_MIN_MS = 100;
export const BACKOFF_MAX_MS = 5000;
const BATCH = 64;

export interface SenderCounters {
  sent: number;
  failed: number;
  /** Messages after the cursor (some may not be for this channel). */
  queued: number;
}

/**
 * Delivers the outbox to one adapter: in seq order, one message at a time, never past one it has
 * not delivered (a thrown deliver is retried with exponential backoff) nor past a held verdict.
 * The cursor is marked after each delivery; a kill between deliver and mark resends that message
 * with the same id, which consumers drop.
 */
export class OutboxSender {
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private pending = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly adapter: LineAdapter,
    private readonly log: (message: string) => void,
    private readonly delivered: () => void = () => undefined,
  ) {}

  /** Starts delivering; an adapter seen for the first time starts after the newest message. */
  start(): void {
    if (this.running) return;
    this.running = true;
    writeTransaction(this.db, 'open the line cursor', () => ensureCursor(this.db, this.adapter.name, maxOutboxSeq(this.db), new Date().toISOString()));
    this.loop = this.run();
  }

  /** Something new in the outbox. */
  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  counters(): SenderCounters {
    const cursor = getCursor(this.db, this.adapter.name);
    if (!cursor) return { sent: 0, failed: 0, queued: 0 };
    return { sent: cursor.sent, failed: cursor.failed, queued: countOutboxAfter(this.db, cursor.deliveredSeq) };
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.stopped) {
      try {
        backoff = await this.round(backoff);
      } catch (err) {
        // The database busy or full: wait and try again; the cursor keeps the place.
        this.log(`line delivery paused: ${toWireError(err).message}`);
        await this.sleep(BACKOFF_MAX_MS);
      }
    }
  }

  /** One pass over what is after the cursor; returns the backoff in force. */
  private async round(backoffIn: number): Promise<number> {
    let backoff = backoffIn;
    {
      this.pending = false;
      const cursor = getCursor(this.db, this.adapter.name);
      const rows = cursor ? outboxAfter(this.db, cursor.deliveredSeq, BATCH) : [];
      let progressed = false;
      for (const row of rows) {
        if (this.stopped || row.held) break;
        const message = parseOutboxPayload(row);
        const wanted = this.adapter.wants(message);
        if (wanted) {
          try {
            await this.adapter.deliver(message);
          } catch (err) {
            this.markFailed();
            if (backoff === BACKOFF_MIN_MS) this.log(`could not deliver message ${row.seq} (${message.kind}): ${toWireError(err).message}; retrying`);
            await this.sleep(backoff);
            backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
            progressed = true; // retry the same row at once after the wait
            break;
          }
          backoff = BACKOFF_MIN_MS;
        }
        // Not flushed to disk: a cursor lost in a power cut resends with the same ids (at least
        // once), while a flush here would hold the thread the next trigger and the PLC's polls need.
        writeTransaction(this.db, 'mark a line message delivered', () => advanceCursor(this.db, this.adapter.name, row.seq, wanted, new Date().toISOString()), { flush: false });
        progressed = true;
      }
      if (progressed) {
        this.delivered();
        return backoff;
      }
      // Nothing to do (or held at a verdict): wait for news; a poll now and then covers a missed notify.
      if (!this.pending) await this.sleep(1000, true);
    }
    return backoff;
  }

  private markFailed(): void {
    try {
      writeTransaction(this.db, 'count a failed line delivery', () => countFailedDelivery(this.db, this.adapter.name, new Date().toISOString()), { flush: false });
    } catch {
      // a busy database must not stop the retries; the count is only a figure
    }
  }

  private sleep(ms: number, wakeable = false): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      // During a backoff only stop wakes the loop: a new message must not shorten the wait.
      this.wake = wakeable ? done : () => (this.stopped ? done() : undefined);
    });
  }
}
