import { describe, expect, it } from 'vitest';
import { globalOptionsWithOut, integerOption, parseArgs, stringOptions } from '../../../host/cli/args';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('command-line option helpers', () => {
  it('stringOptions declares value options in the order named, so an unknown option lists them that way', () => {
    const spec = { ...stringOptions('dataset', 'shots'), lmm: { type: 'flag' as const } };
    const args = parseArgs(['--dataset', 'd', '--shots=4', '--lmm'], spec);
    expect(args.strings).toEqual(new Map([['dataset', 'd'], ['shots', '4']]));
    expect(args.flags.has('lmm')).toBe(true);
    expect(thrown(() => parseArgs(['--colour'], spec)).message).toBe(
      'Unknown option --colour. Valid options: --data-dir, --device, --out, --dataset, --shots, --lmm',
    );
  });

  it('integerOption gives the fallback when absent and refuses non-integers and values out of range', () => {
    const args = (value: string) => parseArgs(['--seeds', value], stringOptions('seeds'));
    expect(integerOption(parseArgs([], stringOptions('seeds')), 'seeds', 5, 1, 100)).toBe(5);
    expect(integerOption(args('100'), 'seeds', 5, 1, 100)).toBe(100);
    expect(integerOption(args('0'), 'seeds', 5, 0, 100)).toBe(0);
    for (const bad of ['0', '101', '1.5', 'x']) {
      expect(thrown(() => integerOption(args(bad), 'seeds', 5, 1, 100)).message).toBe(`Invalid --seeds ${bad}. Use an integer from 1 to 100`);
    }
  });

  it('globalOptionsWithOut requires --out and says what it is for', () => {
    expect(globalOptionsWithOut(parseArgs(['--out', 'r.json', '--device', 'cpu'], {}))).toMatchObject({ out: 'r.json', device: 'cpu' });
    expect(thrown(() => globalOptionsWithOut(parseArgs([], {}))).message).toBe('Missing required option --out');
    expect(thrown(() => globalOptionsWithOut(parseArgs([], {}), 'the report goes next to it')).message).toBe(
      'Missing required option --out (the report goes next to it)',
    );
  });
});
