import type { ModelInfo } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { BACKBONES, getBackbone } from '../../models/registry';
import { fetchModel, importModel, listModels } from '../../models/store';
import { globalOptions, parseArgs } from '../args';
import type { Command } from '../command';
import { writeJsonOut } from '../output';

const USAGE = 'Usage: npm run models -- fetch [NAME] | import FILE | list [--out FILE] [--data-dir DIR]';

/** `models fetch|import|list` (docs/contracts.md §Command line). */
export const command: Command = {
  summary: 'fetch, import or list the pinned public backbones of the model store',
  async run(argv) {
    const args = parseArgs(argv, {});
    const { dataDir, out } = globalOptions(args);
    const [action, ...rest] = args.positionals;
    let models: ModelInfo[];
    if (action === 'list' && rest.length === 0) {
      models = await listModels(dataDir);
      for (const m of models) process.stdout.write(`${m.name}\t${m.kind}\t${m.sizeBytes} bytes\t${m.sha256}\n`);
      if (models.length === 0) process.stdout.write(`The model store ${dataDir} is empty\n`);
    } else if (action === 'import' && rest.length === 1) {
      const info = await importModel(dataDir, rest[0] as string);
      process.stdout.write(`Imported ${info.name} (sha256 ${info.sha256} verified)\n`);
      models = [info];
    } else if (action === 'fetch' && rest.length <= 1) {
      const specs = rest[0] ? [getBackbone(rest[0])] : BACKBONES.filter((b) => b.sha256 !== null);
      models = [];
      for (const spec of specs) {
        const info = await fetchModel(dataDir, spec.name, { onProgress: progressBar(spec.name) });
        process.stderr.write('\n');
        process.stdout.write(`Fetched ${info.name} (sha256 ${info.sha256} verified)\n`);
        models.push(info);
      }
    } else {
      throw new StationError('INVALID_INPUT', USAGE);
    }
    await writeJsonOut(out, { models });
    return 0;
  },
};

function progressBar(name: string): (received: number, total: number | null) => void {
  let last = 0;
  return (received, total) => {
    const now = Date.now();
    if (now - last < 100 && received !== total) return;
    last = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    if (!total) {
      process.stderr.write(`\r${name} ${mb(received)} MB`);
      return;
    }
    const share = Math.min(1, received / total);
    const filled = Math.round(share * 30);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(30 - filled)}`;
    process.stderr.write(`\r${name} [${bar}] ${Math.round(share * 100)}% ${mb(received)}/${mb(total)} MB`);
  };
}
