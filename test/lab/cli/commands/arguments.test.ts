import { describe, expect, it } from 'vitest';
import { command as demoGenerate } from '../../../../lab/cli/commands/demo-generate';
import { command as inputDomain } from '../../../../lab/cli/commands/input-domain';
import { command as measureDump } from '../../../../lab/cli/commands/measure-dump';
import { command as syntheticEval } from '../../../../lab/cli/commands/synthetic-eval';
import { command as trainingData } from '../../../../lab/cli/commands/training-data';
import { errorOf } from '../../../support/error-of';

/** The lab's data and measurement commands refuse bad input with one INVALID_INPUT line, before any work. */
describe('lab command arguments', () => {
  it.each([
    ['training-data', trainingData, [], /^Usage: training-data DATASET --data-dir DIR/],
    ['training-data', trainingData, ['/tmp/set'], /Missing required option --data-dir/],
    ['training-data', trainingData, ['/tmp/set', '--data-dir', '/tmp/d', '--shots', '1,0'], /--shots must be non-negative integers \(shots at least 1\)/],
    ['training-data', trainingData, ['/tmp/set', '--data-dir', '/tmp/d', '--device', 'tpu'], /Invalid device: tpu. Use one of: cpu/],
    ['training-data', trainingData, ['/tmp/set', '--data-dir', '/tmp/d', '--colour'], /Unknown option --colour/],
    ['synthetic-eval', syntheticEval, ['--out', 'x.json'], /^Usage: synthetic-eval --dataset DIR/],
    ['synthetic-eval', syntheticEval, ['--dataset', '/tmp/set', '--limit', '0'], /--limit must be a positive number/],
    ['measure-dump', measureDump, ['patchcore', '/tmp/set', '/tmp/d'], /^Usage: measure-dump KIND DATASET_DIR DATA_DIR SHOTS SEEDS OUT.jsonl/],
    ['measure-dump', measureDump, ['magic', '/tmp/set', '/tmp/d', 'all', '1', 'o.jsonl'], /Invalid expert: magic. Use one of: patchcore, padim, auto/],
    ['measure-dump', measureDump, ['padim', '/tmp/set', '/tmp/d', '1,x', '1', 'o.jsonl'], /Invalid SHOTS 1,x/],
    ['measure-dump', measureDump, ['padim', '/tmp/set', '/tmp/d', '2', '0', 'o.jsonl'], /Invalid SEEDS 0/],
    ['measure-dump', measureDump, ['padim', '/tmp/set', '/tmp/d', '2', '1', 'o.jsonl', '[1]'], /OPTIONS_JSON must be a JSON object/],
    ['measure-dump', measureDump, ['padim', '/tmp/set', '--data-dir', '/tmp/d'], /takes positional arguments only/],
    ['input-domain', inputDomain, ['--reference', '/tmp/syn', '--dataset', '/tmp/set'], /Missing required option --out/],
    ['input-domain', inputDomain, ['--reference', '/tmp/syn', '--out', 'o.json'], /At least one --dataset is needed/],
    ['input-domain', inputDomain, ['--dataset', '/tmp/set', '--out', 'o.json'], /Missing required option --reference/],
    ['input-domain', inputDomain, ['--reference', '/tmp/syn', '--dataset', '/tmp/set', '--out', 'o.json', '--shots', '1,0'], /Invalid --shots 1,0/],
    ['input-domain', inputDomain, ['--reference', '/tmp/syn', '--dataset', '/tmp/set', '--out', 'o.json', '--bank-rows', '8'], /Invalid --bank-rows 8/],
    ['demo-generate', demoGenerate, ['somewhere'], /^Usage: demo-generate \[--out DIR\]/],
  ] as const)('%s %j is refused', async (_name, command, argv, message) => {
    const err = await errorOf(command.run(argv));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(message);
  });
});
