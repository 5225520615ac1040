import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StationError } from '../../../common/errors';
import { writeJsonOut } from '../../cli/output';
import { loadDialogModel } from '../load-dialog-model';
import { evaluateSynthetic } from './synthetic-eval';

/**
 * `npx tsx host/lmm/myriad-s/synthetic-eval-cli.ts --dataset DIR [--model EXPORT_DIR] [--limit N] [--details F.jsonl] --out F`
 * Without --model (or with an invalid export) the expert narrator is measured, as the station would run.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dataset: { type: 'string' }, model: { type: 'string' }, limit: { type: 'string' }, details: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.dataset) throw new StationError('INVALID_INPUT', 'Usage: synthetic-eval-cli.ts --dataset DIR [--model DIR] [--limit N] --out F');
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(limit > 0)) throw new StationError('INVALID_INPUT', '--limit must be a positive number');
  const { model, reason } = await loadDialogModel(values.model ?? null, { device: 'cpu' });
  process.stderr.write(`${reason}\n`);
  const details: string[] = [];
  const result = await evaluateSynthetic(model, values.dataset, limit, values.details ? (sample) => details.push(JSON.stringify(sample)) : undefined);
  if (values.details) writeFileSync(values.details, details.length ? `${details.join('\n')}\n` : '');
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  await writeJsonOut(values.out ?? null, { ...result, reason });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
