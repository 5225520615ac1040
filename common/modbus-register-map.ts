/**
 * The PLC handshake's register map: the one declaration the Modbus adapter (host/line/modbus) serves,
 * docs/line-modbus.md shows (checked by a test), the Line settings screen lists and the tests drive.
 * In common/ because the renderer reads it too: plain data, no imports.
 *
 * Two tables, each readable through both of Modbus's read functions at the same address, so a PLC
 * whose client block only polls coils (FC1) or only holding registers (FC3) still sees everything:
 * - bits: coil (FC1) = discrete input (FC2); the PLC writes (FC5, FC15) only its own two coils;
 * - registers: holding register (FC3) = input register (FC4); the PLC writes (FC6, FC16) only the
 *   recipe index and the part id.
 * Each table is contiguous from address 0, so one read fetches all of it; addresses are 0-based
 * protocol addresses (a PLC that numbers coils from 00001 and registers from 40001 adds its offset).
 */

/** Who writes an entry: the PLC (the station only reads it) or the station (read-only to the PLC). */
export type Writer = 'plc' | 'station';

export interface BitEntry {
  readonly address: number;
  readonly name: string;
  readonly writer: Writer;
  readonly meaning: string;
}

export interface RegisterEntry {
  readonly address: number;
  /** Registers the entry spans (the part ids span 16). */
  readonly count: number;
  readonly name: string;
  readonly writer: Writer;
  readonly meaning: string;
}

export const BITS = {
  trigger: { address: 0, name: 'Trigger', writer: 'plc', meaning: 'Rising edge (0 to 1) starts one inspection with the recipe index and part id written before it. The PLC clears it again.' },
  resultsAck: { address: 1, name: 'Results Ack', writer: 'plc', meaning: 'Rising edge while Results Ready is set: the PLC has read the result. The PLC clears it once Results Ready is clear.' },
  triggerReady: { address: 2, name: 'Trigger Ready', writer: 'station', meaning: 'The station is ready and idle: no trigger of this PLC in flight, no result waiting for its Ack.' },
  resultsReady: { address: 3, name: 'Results Ready', writer: 'station', meaning: 'A new result (OK, NG or Error with its registers) is readable; held until Results Ack.' },
  ok: { address: 4, name: 'OK', writer: 'station', meaning: 'With Results Ready: the part passed (the reject gate lets it through).' },
  ng: { address: 5, name: 'NG', writer: 'station', meaning: 'With Results Ready: the part failed or needs review (reject it).' },
  error: { address: 6, name: 'Error', writer: 'station', meaning: 'With Results Ready: no verdict for this trigger; the Result code register says why. Treat the part as NG.' },
  busy: { address: 7, name: 'Busy', writer: 'station', meaning: 'The station is inspecting a part (from any source).' },
} as const satisfies Record<string, BitEntry>;

export const PART_ID_REGISTERS = 16;
/** Two ASCII characters per register. */
export const PART_ID_CHARS = PART_ID_REGISTERS * 2;

export const REGISTERS = {
  recipeIndex: { address: 0, count: 1, name: 'Recipe index', writer: 'plc', meaning: "1-based index of the recipe for the next trigger (the station's recipes sorted by name); 0 keeps the active recipe." },
  partId: { address: 1, count: PART_ID_REGISTERS, name: 'Part id', writer: 'plc', meaning: `Up to ${PART_ID_CHARS} printable ASCII characters, first character in the high byte, NUL-padded; all NUL = no part id.` },
  resultCode: { address: 17, count: 1, name: 'Result code', writer: 'station', meaning: '0 for a verdict, else the error code (table below).' },
  sequence: { address: 18, count: 1, name: 'Sequence', writer: 'station', meaning: 'Counts results 1..65535 and wraps to 1; 0 until the first result. A new value is a new result.' },
  verdict: { address: 19, count: 1, name: 'Verdict', writer: 'station', meaning: '0 none (error), 1 pass, 2 fail, 3 review.' },
  score: { address: 20, count: 1, name: 'Score x1000', writer: 'station', meaning: 'The image score times 1000, rounded and clamped to 0..65535 (decision threshold 0.5 = 500).' },
  activeRecipe: { address: 21, count: 1, name: 'Active recipe index', writer: 'station', meaning: 'Index of the recipe the next trigger uses with recipe index 0; 0 when none is active.' },
  stationState: { address: 22, count: 1, name: 'Station state', writer: 'station', meaning: '0 stopped, 1 ready, 2 busy, 3 error.' },
  resultPartId: { address: 23, count: PART_ID_REGISTERS, name: 'Result part id', writer: 'station', meaning: "The part id of the result, encoded like Part id, so a PLC with several parts in flight can match results to parts." },
} as const satisfies Record<string, RegisterEntry>;

export type BitName = keyof typeof BITS;
export type RegisterName = keyof typeof REGISTERS;

export const BIT_COUNT = Math.max(...Object.values(BITS).map((b) => b.address)) + 1;
export const REGISTER_COUNT = Math.max(...Object.values(REGISTERS).map((r) => r.address + r.count));

export const VERDICT_CODES = { none: 0, pass: 1, fail: 2, review: 3 } as const;
export const STATION_STATE_CODES = { stopped: 0, ready: 1, busy: 2, error: 3 } as const;

/** The Result code register's values other than 0. */
export const ERROR_CODES = {
  unknownRecipe: { code: 1, meaning: 'The recipe index names no recipe of the station.' },
  badPartId: { code: 2, meaning: 'The part id holds a control or non-ASCII character, or the station refused it.' },
  queueFull: { code: 3, meaning: 'The station was busy and its trigger queue full; the trigger was dropped.' },
  triggerRefused: { code: 4, meaning: 'The station refused the trigger for another reason (stopped, no active recipe); see the station log.' },
  inspectionFailed: { code: 5, meaning: 'The trigger was accepted but produced no verdict (camera or pipeline failure); see the station log.' },
} as const satisfies Record<string, { code: number; meaning: string }>;

export type ModbusErrorName = keyof typeof ERROR_CODES;

/** Modbus exception codes the station answers with. */
export const MODBUS_EXCEPTION = { illegalFunction: 0x01, illegalDataAddress: 0x02 } as const;

const bitAt = new Map<number, BitEntry>(Object.values(BITS).map((b) => [b.address, b]));
const registerAt = new Map<number, RegisterEntry>();
for (const entry of Object.values(REGISTERS)) {
  for (let i = 0; i < entry.count; i++) registerAt.set(entry.address + i, entry);
}

export function bitEntryAt(address: number): BitEntry | undefined {
  return bitAt.get(address);
}

export function registerEntryAt(address: number): RegisterEntry | undefined {
  return registerAt.get(address);
}
