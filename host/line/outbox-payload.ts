import { LINE_ADAPTERS, type LineAdapterName, type LineMessage } from './line-adapter';
import type { OutboxRow } from '../../db/repositories/line-outbox';
import { StationError } from '../../common/errors';

const isAdapter = (a: string | null): a is LineAdapterName | null => a === null || (LINE_ADAPTERS as readonly string[]).includes(a);

/**
 * An outbox row as the message adapters carry. Only line-messages.ts writes payloads (typed there),
 * and the table's CHECKs hold kind and adapter; a row that does not parse is a bug, reported as one.
 */
export function parseOutboxPayload(row: OutboxRow): LineMessage {
  if (!isAdapter(row.adapter)) throw new StationError('INTERNAL', `Outbox message ${row.seq} names an unknown adapter ${row.adapter}`);
  let payload: unknown;
  try {
    payload = JSON.parse(row.payloadJson);
  } catch (err) {
    throw new StationError('INTERNAL', `Outbox message ${row.seq} is not JSON`, { cause: err });
  }
  if (typeof payload !== 'object' || payload === null || (payload as { messageId?: unknown }).messageId !== row.messageId) {
    throw new StationError('INTERNAL', `Outbox message ${row.seq} does not carry its id ${row.messageId}`);
  }
  // The shape per kind is the one line-messages.ts wrote for that kind.
  return { id: row.messageId, seq: row.seq, kind: row.kind, adapter: row.adapter, payload } as LineMessage;
}
