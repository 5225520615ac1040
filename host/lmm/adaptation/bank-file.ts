import { z } from 'zod';
import { StationError } from '../../../common/errors';
import type { GoldenBank } from '../golden-relative-input';

/**
 * The golden-relative adapter (golden-relative-input.ts GoldenBank) as one file: the recipe
 * version's recorded adaptation. Layout: the 8-byte magic, a little-endian u32 header length, the
 * header (JSON: shapes and backbone), then little-endian arrays: bank rows (rows x dim float32),
 * spread (dim float32), each row's golden (rows int32) and cell (rows int32).
 */
const MAGIC = 'MYRADPT1';

const Header = z.object({
  rows: z.number().int().positive(),
  dim: z.number().int().positive(),
  gridWidth: z.number().int().positive(),
  gridHeight: z.number().int().positive(),
  goldens: z.number().int().positive(),
  backboneSha256: z.string().nullable(),
});

export function encodeBank(bank: GoldenBank): Buffer {
  const header = Buffer.from(
    JSON.stringify({ rows: bank.rows, dim: bank.dim, gridWidth: bank.gridWidth, gridHeight: bank.gridHeight, goldens: bank.goldens, backboneSha256: bank.backboneSha256 ?? null }),
    'utf8',
  );
  const parts = [Buffer.from(MAGIC, 'ascii'), u32(header.length), header, f32(bank.data), f32(bank.spread), i32(bank.image), i32(bank.cell)];
  return Buffer.concat(parts);
}

/**
 * @throws StationError('BAD_MODEL') when the bytes are not a whole bank file (wrong magic, header or length).
 */
export function decodeBank(bytes: Uint8Array): GoldenBank {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new StationError('BAD_MODEL', `The adaptation file is damaged: ${why}`);
  if (buf.length < MAGIC.length + 4 || buf.toString('ascii', 0, MAGIC.length) !== MAGIC) throw bad('not an adaptation file');
  const headerLength = buf.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  let header: z.infer<typeof Header>;
  try {
    header = Header.parse(JSON.parse(buf.toString('utf8', offset, offset + headerLength)));
  } catch (cause) {
    throw new StationError('BAD_MODEL', 'The adaptation file is damaged: its header is unreadable', { cause });
  }
  offset += headerLength;
  const { rows, dim } = header;
  if (buf.length !== offset + 4 * (rows * dim + dim + 2 * rows)) throw bad(`${buf.length} bytes for ${rows} rows of ${dim}`);
  const read = <T extends Float32Array | Int32Array>(make: (n: number) => T, n: number, get: (at: number) => number): T => {
    const out = make(n);
    for (let i = 0; i < n; i++) out[i] = get(offset + 4 * i);
    offset += 4 * n;
    return out;
  };
  const data = read((n) => new Float32Array(n), rows * dim, (at) => buf.readFloatLE(at));
  const spread = read((n) => new Float32Array(n), dim, (at) => buf.readFloatLE(at));
  const image = read((n) => new Int32Array(n), rows, (at) => buf.readInt32LE(at));
  const cell = read((n) => new Int32Array(n), rows, (at) => buf.readInt32LE(at));
  const patches = header.gridWidth * header.gridHeight;
  if (image.some((g) => g < 0 || g >= header.goldens) || cell.some((c) => c < 0 || c >= patches)) throw bad('a bank row points outside its goldens or grid');
  if (spread.some((s) => !(s > 0) || !Number.isFinite(s))) throw bad('a channel spread is not a positive number');
  return { data, rows, dim, gridWidth: header.gridWidth, gridHeight: header.gridHeight, ...(header.backboneSha256 !== null ? { backboneSha256: header.backboneSha256 } : {}), spread, goldens: header.goldens, image, cell };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function f32(a: Float32Array): Buffer {
  const b = Buffer.alloc(a.length * 4);
  a.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

function i32(a: Int32Array): Buffer {
  const b = Buffer.alloc(a.length * 4);
  a.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
}
