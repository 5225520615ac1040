import { BITS, ERROR_CODES, REGISTERS, type BitEntry, type RegisterEntry } from '../../../common/modbus-register-map';

/**
 * The register map as the Markdown tables of docs/line-modbus.md. The doc holds a copy between
 * marker comments and a test compares it with this output, so the doc cannot drift from the code.
 */

export const DOC_MARKERS = {
  bits: ['<!-- register-map:bits:start -->', '<!-- register-map:bits:end -->'],
  registers: ['<!-- register-map:registers:start -->', '<!-- register-map:registers:end -->'],
  errors: ['<!-- register-map:errors:start -->', '<!-- register-map:errors:end -->'],
} as const;

const writerText = { plc: 'PLC (FC5, FC15)', station: 'station (read-only)' } as const;
const registerWriterText = { plc: 'PLC (FC6, FC16)', station: 'station (read-only)' } as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function bitsTable(): string {
  const rows = Object.values(BITS as Record<string, BitEntry>)
    .sort((a, b) => a.address - b.address)
    .map((b) => `| ${b.address} | ${cell(b.name)} | ${writerText[b.writer]} | ${cell(b.meaning)} |`);
  return ['| Bit | Name | Written by | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function registersTable(): string {
  const rows = Object.values(REGISTERS as Record<string, RegisterEntry>)
    .sort((a, b) => a.address - b.address)
    .map((r) => {
      const at = r.count === 1 ? `${r.address}` : `${r.address}-${r.address + r.count - 1}`;
      return `| ${at} | ${cell(r.name)} | ${registerWriterText[r.writer]} | ${cell(r.meaning)} |`;
    });
  return ['| Register | Name | Written by | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function errorCodesTable(): string {
  const rows = Object.entries(ERROR_CODES)
    .sort(([, a], [, b]) => a.code - b.code)
    .map(([name, e]) => `| ${e.code} | ${name} | ${cell(e.meaning)} |`);
  return ['| Result code | Name | Meaning |', '| --- | --- | --- |', '| 0 | none | A verdict (OK or NG). |', ...rows].join('\n');
}

/** The text between a pair of markers in `doc`, or null when a marker is missing. */
export function docSection(doc: string, markers: readonly [string, string]): string | null {
  const start = doc.indexOf(markers[0]);
  const end = doc.indexOf(markers[1]);
  if (start < 0 || end < start) return null;
  return doc.slice(start + markers[0].length, end).trim();
}
