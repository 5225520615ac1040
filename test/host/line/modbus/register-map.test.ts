import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePartId, encodePartId, nextSequence, scoreRegister } from '../../../../host/line/modbus/register-codec';
import { bitsTable, DOC_MARKERS, docSection, errorCodesTable, registersTable } from '../../../../host/line/modbus/register-map-doc';
import { BIT_COUNT, BITS, ERROR_CODES, REGISTER_COUNT, REGISTERS } from '../../../../common/modbus-register-map';
import { ADDR, partIdRegisters } from './modbus-harness';

describe('register map', () => {
  it('keeps the addresses PLC programs are written against', () => {
    for (const [name, bit] of Object.entries(BITS)) expect([name, bit.address]).toEqual([name, ADDR[name as keyof typeof ADDR]]);
    for (const [name, reg] of Object.entries(REGISTERS)) expect([name, reg.address]).toEqual([name, ADDR[name as keyof typeof ADDR]]);
    expect([BIT_COUNT, REGISTER_COUNT]).toEqual([8, 39]);
  });

  it('has contiguous tables with no overlap, and the PLC-written entries first', () => {
    const bits = Object.values(BITS).map((b) => b.address).sort((a, b) => a - b);
    expect(bits).toEqual(Array.from({ length: BIT_COUNT }, (_, i) => i));
    const covered = Object.values(REGISTERS).flatMap((r) => Array.from({ length: r.count }, (_, i) => r.address + i)).sort((a, b) => a - b);
    expect(covered).toEqual(Array.from({ length: REGISTER_COUNT }, (_, i) => i));
    const codes = Object.values(ERROR_CODES).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain(0);
  });

  it('is the map docs/line-modbus.md shows', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../../docs/line-modbus.md'), 'utf8');
    expect(docSection(doc, DOC_MARKERS.bits)).toBe(bitsTable());
    expect(docSection(doc, DOC_MARKERS.registers)).toBe(registersTable());
    expect(docSection(doc, DOC_MARKERS.errors)).toBe(errorCodesTable());
  });
});

describe('register codec', () => {
  it('encodes a part id high byte first, NUL-padded, as a PLC string copy does', () => {
    expect(encodePartId('SN-0001')).toEqual(partIdRegisters('SN-0001'));
    expect(encodePartId(null)).toEqual(new Array(16).fill(0));
    expect(encodePartId('x'.repeat(40))).toEqual(partIdRegisters('x'.repeat(32)));
    expect(encodePartId('é1')).toEqual(partIdRegisters('?1'));
  });

  it('decodes a part id up to the first NUL and refuses control and non-ASCII bytes', () => {
    expect(decodePartId(partIdRegisters('AB-12'))).toEqual({ ok: true, partId: 'AB-12' });
    expect(decodePartId(partIdRegisters('x'.repeat(32)))).toEqual({ ok: true, partId: 'x'.repeat(32) });
    expect(decodePartId(new Array(16).fill(0))).toEqual({ ok: true, partId: null });
    const stale = partIdRegisters('AB');
    stale[2] = 0x4344;
    expect(decodePartId(stale)).toEqual({ ok: true, partId: 'AB' });
    expect(decodePartId(partIdRegisters('A\tB'))).toMatchObject({ ok: false, reason: 'part id character 2 is byte 0x09, not printable ASCII' });
    expect(decodePartId(partIdRegisters('A\u00e9'))).toMatchObject({ ok: false, reason: expect.stringMatching(/0xe9/) });
    expect(decodePartId(partIdRegisters('\u007f'))).toMatchObject({ ok: false });
  });

  it('clamps the score into one register and wraps the sequence past 0', () => {
    expect([0.1234, 0.5, -1, 70, Number.NaN, Number.POSITIVE_INFINITY].map(scoreRegister)).toEqual([123, 500, 0, 65535, 0, 65535]);
    expect([0, 1, 65534, 65535].map(nextSequence)).toEqual([1, 2, 65535, 1]);
  });
});
