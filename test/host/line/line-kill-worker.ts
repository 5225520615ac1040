import type { DialogModel, DialogReply } from '../../../host/lmm/dialog-model';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';

/**
 * Child process of line-kill.test.ts and line-kill-first-words.test.ts: a station on DATA_DIR with
 * the recipe `bracket`, its line settings (line.json, written by the test) pointing at the test's
 * MQTT broker. Its dialog model (MODEL, default `say-no`) says "No" at once and the rest 40 ms
 * later, so a kill lands as often in an answer being written (a held or just released verdict) as
 * between parts; `yes-then-stall` says "Yes, a scratch" and never finishes, so every answer is cut
 * between its first words and its end. Prints `ready` once the station is open and then runs until
 * the test SIGKILLs it.
 */
const [dataDir, workDir, camDir, model = 'say-no'] = process.argv.slice(2) as [string, string, string, string?];

const sayNo: DialogModel = {
  name: 'say-no',
  version: '1',
  async generate(_req, onToken, signal): Promise<DialogReply> {
    const started = performance.now();
    onToken('No', { readFeatures: false });
    await new Promise((r) => setTimeout(r, 40));
    if (signal.aborted) throw new Error('aborted');
    onToken(', the part looks good.', { readFeatures: false });
    return { text: 'No, the part looks good.', firstTokenMs: 1, totalMs: performance.now() - started, tokens: 2 };
  },
};

const yesThenStall: DialogModel = {
  name: 'yes-then-stall',
  version: '1',
  async generate(_req, onToken, signal): Promise<DialogReply> {
    onToken('Yes', { readFeatures: false });
    onToken(', a scratch', { readFeatures: false });
    await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    throw new Error('unreachable');
  },
};

await openStationWithRecipe(
  { dataDir, dialogModel: model === 'yes-then-stall' ? yesThenStall : sayNo, instructionBudget: null, cameraSources: [`folder:${camDir}`], lineLog: (line) => process.stderr.write(`line: ${line}\n`) },
  { name: 'bracket', workDir, goldenCount: 5 },
);
process.stdout.write('ready\n');
