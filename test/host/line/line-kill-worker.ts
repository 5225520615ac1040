import type { DialogModel, DialogReply } from '../../../host/lmm/dialog-model';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';

/**
 * Child process of line-kill.test.ts: a station on DATA_DIR with the recipe `bracket`, its line
 * settings (line.json, written by the test) pointing at the test's MQTT broker. Its dialog model
 * says "No" at once and the rest 40 ms later, so a kill lands as often in an answer being written
 * (a held or just released verdict) as between parts. Prints `ready` once the station is open and
 * then runs until the test SIGKILLs it.
 */
const [dataDir, workDir, camDir] = process.argv.slice(2) as [string, string, string];

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

await openStationWithRecipe(
  { dataDir, dialogModel: sayNo, instructionBudget: null, cameraSources: [`folder:${camDir}`], lineLog: (line) => process.stderr.write(`line: ${line}\n`) },
  { name: 'bracket', workDir, goldenCount: 5 },
);
process.stdout.write('ready\n');
