import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { StationError } from '../../common/errors';
import type { DialogFeatures } from '../../host/lmm/dialog-model';
import type { EvaluatedMap } from './subject';

/**
 * What the dialog model was given on each test image, written by `evaluate --lmm --dump-inputs DIR`
 * for looking into the visual input offline (native-models/myriad-s/input_probe.py): the features
 * in the form the model was given them (after the golden check and the recipe's adapter; none where
 * the check withheld them), the expert's map and score, the model's lean, and the truth.
 *
 * Layout (docs/contracts.md §Input dumps): DIR/dump.json (format, dataset, shots), DIR/inputs.jsonl
 * (one InputDumpRow per seed and test image, in the order they were inspected) and one float32
 * little-endian file per array: a map (height, width) row-major, features (height * width, dim)
 * row-major, the station's PatchFeatures layout.
 */
export const INPUT_DUMP_FORMAT = 1;

export interface InputDumpRow {
  seed: number;
  /** The test image, relative to the dataset root. */
  file: string;
  /** The defect folder, null for a good image. */
  defect: string | null;
  score: number;
  /** The first answer's lean towards "Yes"; null when the model gives none. */
  yes_odds: number | null;
  /** Whether the model read the features it was given (DialogReply.readFeatures: a model may refuse inputs outside its training domain); null when it does not say. */
  read_features: boolean | null;
  map: { file: string; width: number; height: number };
  /** null: the model answered without features (withheld by the golden check, or none from the expert). */
  features: { file: string; dim: number; width: number; height: number; input: string } | null;
}

export class InputDump {
  private count = 0;

  private constructor(readonly dir: string) {}

  /**
   * @throws StationError('INVALID_INPUT') when DIR already holds files: rows of two runs would mix.
   */
  static async open(dir: string, header: { dataset: string; shots: number | 'all' }): Promise<InputDump> {
    // The files are the in-memory Float32Arrays as they are; the reader expects little-endian.
    if (endianness() !== 'LE') throw new StationError('INTERNAL', 'Input dumps are written on little-endian machines only');
    await mkdir(dir, { recursive: true });
    if ((await readdir(dir)).length > 0) throw new StationError('INVALID_INPUT', `--dump-inputs ${dir} is not empty: give a new or empty folder`);
    await writeFile(join(dir, 'dump.json'), `${JSON.stringify({ format: INPUT_DUMP_FORMAT, ...header }, null, 2)}\n`);
    return new InputDump(dir);
  }

  async add(
    seed: number,
    file: string,
    defect: string | null,
    result: EvaluatedMap,
    features: DialogFeatures | undefined,
    reply: { yesOdds: number | null; readFeatures: boolean | null },
  ): Promise<void> {
    const stem = `s${seed}-${String(this.count++).padStart(5, '0')}`;
    const map = { file: `${stem}.map.f32`, width: result.mapWidth, height: result.mapHeight };
    await writeFile(join(this.dir, map.file), bytes(result.map));
    let dumped: InputDumpRow['features'] = null;
    if (features) {
      dumped = { file: `${stem}.features.f32`, dim: features.dim, width: features.gridWidth, height: features.gridHeight, input: features.input ?? 'raw' };
      await writeFile(join(this.dir, dumped.file), bytes(features.data));
    }
    const row: InputDumpRow = { seed, file, defect, score: result.score, yes_odds: reply.yesOdds, read_features: reply.readFeatures, map, features: dumped };
    await appendFile(join(this.dir, 'inputs.jsonl'), `${JSON.stringify(row)}\n`);
  }
}

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
