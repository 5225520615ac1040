import type { Verdict } from '../../../common/api';
import { PART_ID_CHARS, PART_ID_REGISTERS, VERDICT_CODES } from '../../../common/modbus-register-map';

/** Text in registers: two ASCII bytes per register, high byte first (Modbus is big-endian), NUL-padded. */
export function encodePartId(partId: string | null): number[] {
  const registers = new Array<number>(PART_ID_REGISTERS).fill(0);
  if (partId === null) return registers;
  // A station part id can be longer than the registers hold (the line service allows 64): the PLC
  // sees its first characters, and any non-ASCII character as '?', rather than no id at all.
  const bytes = Array.from(partId.slice(0, PART_ID_CHARS), (ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0x20 && code <= 0x7e ? code : 0x3f;
  });
  for (let i = 0; i < bytes.length; i++) {
    const register = i >> 1;
    const shift = i % 2 === 0 ? 8 : 0;
    registers[register] = (registers[register] ?? 0) | ((bytes[i] ?? 0) << shift);
  }
  return registers;
}

export type DecodedPartId = { ok: true; partId: string | null } | { ok: false; reason: string };

/** The PLC's part id; the text ends at the first NUL, as a PLC string copied into the registers does. */
export function decodePartId(registers: readonly number[]): DecodedPartId {
  let text = '';
  for (let i = 0; i < registers.length * 2; i++) {
    const register = registers[i >> 1] ?? 0;
    const byte = i % 2 === 0 ? register >> 8 : register & 0xff;
    if (byte === 0) break;
    if (byte < 0x20 || byte > 0x7e) {
      return { ok: false, reason: `part id character ${text.length + 1} is byte 0x${byte.toString(16).padStart(2, '0')}, not printable ASCII` };
    }
    text += String.fromCharCode(byte);
  }
  return { ok: true, partId: text === '' ? null : text };
}

/** Score x1000 in one unsigned register: negatives read 0, scores past 65.535 read 65535. */
export function scoreRegister(score: number): number {
  if (!Number.isFinite(score)) return score > 0 ? 0xffff : 0;
  return Math.min(0xffff, Math.max(0, Math.round(score * 1000)));
}

export function verdictRegister(verdict: Verdict | null): number {
  return verdict === null ? VERDICT_CODES.none : VERDICT_CODES[verdict];
}

/** 1..65535 then 1 again: 0 stays "no result yet". */
export function nextSequence(sequence: number): number {
  return (sequence % 0xffff) + 1;
}
