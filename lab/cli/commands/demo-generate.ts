import { resolve } from 'node:path';
import { StationError } from '../../../common/errors';
import { parseArgs } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { DEFAULT_ASSETS_DIR, writeDemoAssets } from '../../demo-generate/generate';

/**
 * `demo-generate [--out DIR]` (`npm run demo:generate`): renders the embedded demo's images and
 * manifest into DIR (default: host/demo/assets, the committed copy the app ships).
 */
export const command: Command = {
  summary: 'regenerate the embedded demo images (seeded, deterministic) into host/demo/assets or --out DIR',
  async run(argv) {
    const args = parseArgs(argv, {});
    if (args.positionals.length > 0 || args.strings.has('data-dir') || args.strings.has('device')) {
      throw new StationError('INVALID_INPUT', 'Usage: demo-generate [--out DIR]');
    }
    const outArg = args.strings.get('out');
    const out = outArg === undefined ? DEFAULT_ASSETS_DIR : resolve(outArg);
    const manifest = await writeDemoAssets(out);
    process.stdout.write(`wrote ${manifest.golden.length} golden and ${manifest.test.length} test images to ${out}\n`);
    return 0;
  },
};
