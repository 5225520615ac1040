import { resolve } from 'node:path';
import type { CameraFrame, CameraSession, InspectionRecord, Params, Results } from '../../../common/api';
import { cameraSpec } from '../../../common/camera-spec';
import type { WireErrorLike } from '../inspect-out';
import { StationError } from '../../../common/errors';
import { decodeImageFileBytes, readImageFileBytes } from '../../imaging/decode';
import { checkInstructionText } from '../../recipes/recipe-service';
import { globalOptions, parseArgs, requireString } from '../args';
import type { Command } from '../command';
import { inspectOutJson } from '../inspect-out';
import { writeJsonOut } from '../output';
import type { StationHost } from '../../station';
import { CLI_USER, openCliStation } from '../station-for-cli';

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
    const bytes = await readImageFileBytes(imagePath, 'INVALID_INPUT');
    // Refuse a bad image before opening the station: one line, nothing recorded, no model loaded.
    await decodeImageFileBytes(bytes, imagePath);
    // The image is the station's camera for this run: read (and decoded) by a file: session, the
    // same path a camera frame takes from the Inspect screen.
    const spec = cameraSpec('file', resolve(imagePath));
    const station = await openCliStation(options, { cameraSources: [spec] });
    const as = { user: CLI_USER };
    try {
      const answers = new AnswerWaiter(station);
      const started = performance.now();
      const session = (await station.call('camera.open', { spec }, as)) as CameraSession;
      const frame = (await station.call('camera.read', { sessionId: session.sessionId, advance: false }, as)) as CameraFrame;
      const inspected = (await station.call(
        'inspect',
        { recipe, frame: { kind: 'stored', sha256: frame.sha256 }, ...(prompts.length > 0 ? { instructions: prompts } : {}) } satisfies Params<'inspect'>,
        as,
      )) as Results['inspect'];
      // After the inspect: the session hands it the frame it decoded.
      await station.call('camera.close', { sessionId: session.sessionId }, as);
      await answers.settled(inspected.answerTurnId);
      const totalMs = performance.now() - started;
      for (const q of questions) {
        const asked = (await station.call('dialog.ask', { inspectionId: inspected.id, question: q }, as)) as Results['dialog.ask'];
        await answers.settled(asked.turnId);
      }
      const record = (await station.call('inspections.get', { id: inspected.id }, as)) as InspectionRecord;
      const out = inspectOutJson(record, inspected.timings, totalMs, station.blobPath(record.mapSha256), answers.errors.get(inspected.answerTurnId) ?? null);
      await writeJsonOut(options.out, out);
      process.stdout.write(`${record.verdict.toUpperCase()} score ${record.score.toFixed(3)} (band ${record.band.t1.toFixed(3)}..${record.band.t2.toFixed(3)}): ${out.answer}\n`);
      for (const e of answers.errors.values()) process.stderr.write(`warning: ${e.message}\n`);
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

/**
 * Waits for answers by their turn id, from the station's events (every answer ends with exactly
 * one dialog.done or dialog.error); listening starts before the first call, so none is missed.
 */
class AnswerWaiter {
  readonly errors = new Map<string, WireErrorLike>();
  private readonly ended = new Set<string>();
  private readonly waiting = new Map<string, () => void>();

  constructor(station: StationHost) {
    station.on('dialog.done', (e) => this.end(e.turnId));
    station.on('dialog.error', (e) => {
      this.errors.set(e.turnId, { code: e.code, message: e.message });
      this.end(e.turnId);
    });
  }

  settled(turnId: string): Promise<void> {
    if (this.ended.has(turnId)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(turnId, resolve));
  }

  private end(turnId: string): void {
    this.ended.add(turnId);
    this.waiting.get(turnId)?.();
    this.waiting.delete(turnId);
  }
}
