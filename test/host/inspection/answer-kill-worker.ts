import { join } from 'node:path';
import { StationError } from '../../../common/errors';
import type { DialogModel, DialogReply, DialogRequest } from '../../../host/lmm/dialog-model';
import { openStation } from '../../../host/station';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

/**
 * Child process of interrupted-answers.test.ts: inspects one defective part with a dialog model
 * that starts its answer and never finishes it, prints the inspection's id once the verdict is
 * recorded, and waits there for the test's SIGKILL (the answer is in flight when it lands).
 */
class NeverFinishes implements DialogModel {
  readonly name = 'never-finishes';
  readonly version = '1';

  generate(_req: DialogRequest, onToken: (delta: string) => void, signal: AbortSignal): Promise<DialogReply> {
    onToken('Yes,');
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new StationError('CANCELLED', 'The answer was cancelled'))));
  }
}

const [dataDir, workDir] = process.argv.slice(2) as [string, string];
const station = await openStation({ dataDir, device: 'cpu', experts: meanImageBackend, dialogModel: new NeverFinishes() });
await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(workDir, 'golden'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
const png = await partPng(5, { x: 2, y: 2 });
const r = (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as { id: string };
station.on('dialog.token', () => process.stdout.write(`${JSON.stringify({ id: r.id })}\n`));
setInterval(() => undefined, 60_000);
