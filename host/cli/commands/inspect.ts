import { stat, readFile } from 'node:fs/promises';
import type { InspectionRecord } from '../../../common/api';
import type { WireErrorLike } from '../inspect-out';
import { StationError } from '../../../common/errors';
import { decodeImageFileBytes, MAX_IMAGE_FILE_BYTES } from '../../imaging/decode';
import { IMAGE_TYPES } from '../../imaging/image-type';
import { checkInstructionText } from '../../recipes/recipe-service';
import { globalOptions, parseArgs, requireString } from '../args';
import type { Command } from '../command';
import { inspectOutJson } from '../inspect-out';
import { writeJsonOut } from '../output';
import { openCliStation } from '../station-for-cli';

/**
 * `inspect`: one inspection through the station host (recorded like any other), waiting for the
 * first answer and any `--ask` follow-ups, then the `--out` JSON of docs/contracts.md §inspect output.
 */
export const command: Command = {
  summary: 'inspect one image with a recipe',
  async run(argv) {
    const args = parseArgs(argv, { recipe: { type: 'string' }, image: { type: 'string' }, prompt: { type: 'list' }, ask: { type: 'list' } });
    if (args.positionals.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${args.positionals[0]}`);
    const options = globalOptions(args);
    const recipe = requireString(args, 'recipe');
    const imagePath = requireString(args, 'image');
    const prompts = (args.lists.get('prompt') ?? []).map(checkInstructionText);
    const questions = (args.lists.get('ask') ?? []).map(checkInstructionText);
    const bytes = await readImageBytes(imagePath);
    // Refuse a bad image before opening the station: one line, nothing recorded, no model loaded.
    const { type } = await decodeImageFileBytes(bytes, imagePath);
    const station = await openCliStation(options);
    try {
      const errors = new Map<string, WireErrorLike>();
      station.on('dialog.error', (e) => errors.set(e.turnId, { code: e.code, message: e.message }));
      const started = performance.now();
      const outcome = await station.pipeline.inspect(recipe, { bytes, ext: IMAGE_TYPES[type].ext }, {
        operator: 'cli',
        extraInstructions: prompts,
      });
      await outcome.answerDone;
      const totalMs = performance.now() - started;
      for (const q of questions) await station.dialog.ask(outcome.record.id, q).done;
      const record: InspectionRecord = station.pipeline.get(outcome.record.id);
      const out = inspectOutJson(record, outcome.record.timings, totalMs, station.blobPath(record.mapSha256), errors.get(outcome.answerTurnId) ?? null);
      await writeJsonOut(options.out, out);
      process.stdout.write(`${record.verdict.toUpperCase()} score ${record.score.toFixed(3)} (band ${record.band.t1.toFixed(3)}..${record.band.t2.toFixed(3)}): ${out.answer}\n`);
      for (const e of errors.values()) process.stderr.write(`warning: ${e.message}\n`);
      for (const f of record.flags) process.stderr.write(`warning: ${f.reason}\n`);
      if (out.instructions_left_out.length > 0) {
        process.stderr.write(`warning: instructions not applied (no room in the dialog model's budget): ${out.instructions_left_out.map((t) => JSON.stringify(t)).join(', ')}\n`);
      }
      return 0;
    } finally {
      await station.close();
    }
  },
};

async function readImageBytes(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new StationError('INVALID_INPUT', `Not a file: ${path}`);
    size = st.size;
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('NOT_FOUND', `Image file not found: ${path}`, { cause: err });
  }
  if (size > MAX_IMAGE_FILE_BYTES) throw new StationError('BAD_IMAGE', `Image file ${path} is over the 256 MB limit`);
  return readFile(path);
}
