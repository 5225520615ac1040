import { describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { writeTransaction } from '../../../db/open';
import { ensureCursor, getCursor, insertOutboxRow, releaseOutboxRow } from '../../../db/repositories/line-outbox';
import type { AdapterState, LineAdapter, LineMessage } from '../../../host/line/line-adapter';
import { OutboxSender } from '../../../host/line/outbox-sender';
import { useTempDb } from '../../support/temp-db';
import { untilWithin } from '../../support/until';

let db: Db;
useTempDb('outbox-sender-', (d) => (db = d));

/** A channel that refuses its first `failures` deliveries, then takes everything, recording what it got. */
class FlakyAdapter implements LineAdapter {
  readonly name = 'mqtt' as const;
  readonly got: string[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  async start(): Promise<void> {}
  wants(m: LineMessage): boolean {
    return m.kind !== 'error' || m.adapter === null || m.adapter === 'mqtt';
  }
  async deliver(m: LineMessage): Promise<void> {
    this.attempts++;
    if (this.failures-- > 0) throw new Error('broker away');
    this.got.push(m.id);
  }
  stationState(): void {}
  state(): AdapterState {
    return { adapter: 'mqtt', status: 'connected', detail: null, since: '' };
  }
  onState(): () => void {
    return () => undefined;
  }
  async stop(): Promise<void> {}
}

function put(id: string, opts: { held?: boolean; adapter?: string | null; kind?: 'test' | 'error' } = {}): number {
  return insertOutboxRow(db, { messageId: id, kind: opts.kind ?? 'test', adapter: opts.adapter ?? null, inspectionId: null, payloadJson: JSON.stringify({ messageId: id }), held: opts.held ?? false, createdAt: new Date().toISOString() });
}

const until = untilWithin(5000, 10);

/**
 * `db` as a sender sees it, recording the synchronous level each of its write transactions runs
 * at (1 NORMAL: committed without a flush to disk, 2 FULL).
 */
function recordingLevels(target: Db): { db: Db; levels: unknown[] } {
  const levels: unknown[] = [];
  const db = new Proxy(target, {
    get(t, key) {
      if (key === 'transaction') {
        return <F extends (...args: never[]) => unknown>(fn: F) =>
          t.transaction((...args: Parameters<F>) => {
            levels.push(t.pragma('synchronous', { simple: true }));
            return fn(...args);
          });
      }
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  return { db, levels };
}

describe('OutboxSender', () => {
  it('retries a message that failed before any later one, counts the failures, and never skips', async () => {
    writeTransaction(db, 'cursor', () => ensureCursor(db, 'mqtt', 0, new Date().toISOString()));
    for (const id of ['a', 'b', 'c']) put(id);
    const adapter = new FlakyAdapter(3);
    const sender = new OutboxSender(db, adapter, () => undefined);
    sender.start();
    await until('three delivered', () => adapter.got.length === 3);
    await sender.stop();
    expect(adapter.got).toEqual(['a', 'b', 'c']);
    expect(adapter.attempts).toBe(6);
    expect(getCursor(db, 'mqtt')).toMatchObject({ sent: 3, failed: 3 });
  });

  it('waits at a held verdict until it is released, passes over messages for another channel, and resumes from its cursor', async () => {
    writeTransaction(db, 'cursor', () => ensureCursor(db, 'mqtt', 0, new Date().toISOString()));
    put('a');
    const held = put('h', { held: true });
    put('m', { kind: 'error', adapter: 'modbus' });
    put('z');
    const adapter = new FlakyAdapter(0);
    const sender = new OutboxSender(db, adapter, () => undefined);
    sender.start();
    await until('a', () => adapter.got.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(adapter.got).toEqual(['a']);
    releaseOutboxRow(db, held, JSON.stringify({ messageId: 'h' }));
    sender.notify();
    await until('h and z', () => adapter.got.length === 3);
    await sender.stop();
    expect(adapter.got).toEqual(['a', 'h', 'z']);
    // a restart (new sender, same database) starts after what was marked
    put('after');
    const again = new FlakyAdapter(0);
    const restarted = new OutboxSender(db, again, () => undefined);
    restarted.start();
    await until('after', () => again.got.length === 1);
    await restarted.stop();
    expect(again.got).toEqual(['after']);
    expect(getCursor(db, 'mqtt')).toMatchObject({ sent: 4 });
  });

  it('marks deliveries and failures without flushing the disk, and leaves the connection at FULL for everything else', async () => {
    writeTransaction(db, 'cursor', () => ensureCursor(db, 'mqtt', 0, new Date().toISOString()));
    for (const id of ['a', 'b']) put(id);
    const recorded = recordingLevels(db);
    const adapter = new FlakyAdapter(1);
    const sender = new OutboxSender(recorded.db, adapter, () => undefined);
    sender.start();
    await until('two delivered', () => adapter.got.length === 2);
    await sender.stop();
    // opening the cursor, one failure counted, two deliveries marked
    expect(recorded.levels).toEqual([2, 1, 1, 1]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(getCursor(db, 'mqtt')).toMatchObject({ sent: 2, failed: 1 });
  });
});
