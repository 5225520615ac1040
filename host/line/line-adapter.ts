import type { Verdict } from '../../common/api';

/**
 * The contract between the station's line service (host/line/line-service.ts) and each way a line
 * talks to the station: MQTT (host/line/mqtt), OPC UA Machine Vision (host/line/opcua) and the PLC
 * handshake over Modbus TCP (host/line/modbus). An adapter translates; it never inspects, records or
 * decides anything itself. Every message out comes from the SQLite outbox (db/repositories/line-outbox.ts)
 * in order, and carries an id that stays the same across retries and restarts, so a consumer that
 * sees the same id twice drops the second copy.
 */

export const LINE_ADAPTERS = ['mqtt', 'opcua', 'modbus'] as const;
export type LineAdapterName = (typeof LINE_ADAPTERS)[number];

/** What a line asks of the station: who asked, and the part it is about. */
export interface TriggerRequest {
  /** The PLC's or MES's part id (validated by the line service: 1-64 printable characters). */
  partId?: string | null;
  /** Switch to this recipe first (name, or its 1-based index in `LineInbound.recipes()`). */
  recipe?: string | number | null;
}

export interface TriggerAccepted {
  /** Ties the trigger to its inspection's messages (`LineMessage.triggerId`). */
  triggerId: string;
  /** Parts waiting before this one (0: it runs now). */
  ahead: number;
}

/** The station's state towards the line (OPC 40100's vision states, simplified). */
export type StationLineState = 'ready' | 'busy' | 'error' | 'stopped';

/** What an adapter may ask of the station. Every method validates its input and throws StationError with one clear message. */
export interface LineInbound {
  /**
   * Queues one inspection from the active recipe's camera source (or `request.recipe`'s).
   * @throws StationError('INVALID_INPUT') for a bad part id or recipe, ('NOT_FOUND') for an unknown
   * recipe, ('BUSY') when the trigger queue is full (nothing is queued then).
   */
  trigger(request: TriggerRequest, from: LineAdapterName): Promise<TriggerAccepted>;
  /** Makes `recipe` active for the next triggers; parts already queued finish on the recipe they were queued with. */
  selectRecipe(recipe: string | number, from: LineAdapterName): Promise<LineRecipe>;
  /** The recipes a line may select, in a stable order (their index is what a PLC writes). */
  recipes(): LineRecipe[];
  /** The recipe the next trigger uses; null until one is selected (or configured). */
  activeRecipe(): LineRecipe | null;
  /** A problem on one channel (bad payload, refused client): written to the station log, the station keeps running. */
  log(adapter: LineAdapterName, message: string): void;
  /**
   * A request the adapter could not even read (malformed payload): an `error` message back on that
   * channel (through the outbox, like every message) and the station log; nothing else changes.
   */
  refused(adapter: LineAdapterName, code: string, message: string): void;
}

export interface LineRecipe {
  /** 1-based, stable while the station runs (recipes sorted by name). */
  index: number;
  name: string;
  version: number;
}

/** The first message of a part: sent the moment the verdict is known, before the answer is written. */
export interface VerdictPayload {
  messageId: string;
  inspectionId: string;
  partId: string | null;
  /** Set when a line trigger started the inspection. */
  triggerId: string | null;
  recipe: string;
  recipeVersion: number;
  verdict: Verdict;
  /** OK for the reject gate: only `pass` is OK; `fail` and `review` are NG. */
  ok: boolean;
  /** Who set the verdict: the expert's band, or the dialog model's first answer under the recipe's policy. */
  decidedBy: 'expert' | 'model';
  score: number;
  band: { low: number; high: number };
  imageSha256: string;
  mapSha256: string;
  timingsMs: { trigger_to_verdict: number | null; inspect: number; first_token: number | null };
  at: string;
}

/** The second message of a part: the first answer, once it is recorded. */
export interface AnswerPayload {
  messageId: string;
  inspectionId: string;
  partId: string | null;
  triggerId: string | null;
  /** The verdict in force after the answer (a disagreement may have sent the part to REVIEW). */
  verdict: Verdict;
  /** The first answer's text ('' when it failed), and its status. */
  answer: string;
  status: 'done' | 'error' | 'cancelled' | 'interrupted';
  /** The defect the first answer names (its type words), null for a good part or no answer. */
  defect: string | null;
  at: string;
}

/** A trigger the station could not honour (queue full, recipe unknown, camera failed): goes back on the channel it came from. */
export interface ErrorPayload {
  messageId: string;
  triggerId: string | null;
  partId: string | null;
  code: string;
  message: string;
  at: string;
}

export type LineMessage =
  | { id: string; seq: number; kind: 'verdict'; adapter: LineAdapterName | null; payload: VerdictPayload }
  | { id: string; seq: number; kind: 'answer'; adapter: LineAdapterName | null; payload: AnswerPayload }
  | { id: string; seq: number; kind: 'error'; adapter: LineAdapterName | null; payload: ErrorPayload }
  | { id: string; seq: number; kind: 'test'; adapter: LineAdapterName | null; payload: VerdictPayload };

/**
 * `adapter` on a message: the channel whose trigger started the part (a Modbus PLC only hears
 * about the parts it triggered); null for parts inspected from the screen or another source.
 */
export interface AdapterState {
  adapter: LineAdapterName;
  status: 'off' | 'connecting' | 'connected' | 'down';
  /** Why it is down, or who is connected (endpoint, client count); never a secret. */
  detail: string | null;
  since: string;
}

export interface LineAdapter {
  readonly name: LineAdapterName;
  /** Opens listeners and connections; a peer that is down is a state, not a throw (it retries itself). */
  start(inbound: LineInbound): Promise<void>;
  /** Whether this channel carries `message` at all (the sender skips it for this adapter otherwise). */
  wants(message: LineMessage): boolean;
  /**
   * Hands one message to the peer; resolves once the peer has it (MQTT PUBACK, OPC UA event
   * raised, PLC registers written). Throws when it was not delivered: the sender retries the same
   * message, with backoff, before any later one.
   */
  deliver(message: LineMessage): Promise<void>;
  /** The station's state changed (ready, busy, ...): retained MQTT state, OPC UA state machine, Trigger Ready coil. */
  stationState(state: StationLineState): void;
  state(): AdapterState;
  onState(listener: (state: AdapterState) => void): () => void;
  /** Closes listeners and connections; MQTT publishes its offline state first. */
  stop(): Promise<void>;
}
