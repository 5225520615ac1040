import { afterEach, describe, expect, it, vi } from 'vitest';
import { StationError } from '../../../common/errors';
import type { Command } from '../../../host/cli/command';
import { dispatch, type CommandTable } from '../../../host/cli/dispatch';

const ran: Array<readonly string[]> = [];
const cmd = (summary: string, code = 0): { command: Command } => ({
  command: {
    summary,
    async run(argv) {
      ran.push(argv);
      if (argv[0] === 'bad') throw new StationError('INVALID_INPUT', 'bad input');
      return code;
    },
  },
});
const TABLE: CommandTable = { alpha: async () => cmd('does alpha'), 'beta-gamma': async () => cmd('does beta', 3) };
const INFO = { entry: 'npx tsx x/main.ts', seeAlso: 'delta lives elsewhere: npx tsx y/main.ts' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => {
  vi.restoreAllMocks();
  ran.length = 0;
});

describe('dispatch', () => {
  it('runs the named command with the rest of argv and returns its exit code', async () => {
    expect(await dispatch(TABLE, ['beta-gamma', '--x', '1'], INFO)).toBe(3);
    expect(ran).toEqual([['--x', '1']]);
  });

  it('lets a command error propagate (the entry turns it into one line and exit 2)', async () => {
    await expect(dispatch(TABLE, ['alpha', 'bad'], INFO)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('lists every command with its summary and where the others live for --help, exit 0', async () => {
    const io = capture();
    expect(await dispatch(TABLE, ['--help'], INFO)).toBe(0);
    expect(io.out()).toBe(
      'Usage: npx tsx x/main.ts COMMAND [OPTIONS]\n\nCommands:\n  alpha       does alpha\n  beta-gamma  does beta\n\ndelta lives elsewhere: npx tsx y/main.ts\n',
    );
    expect(ran).toEqual([]);
  });

  it('names the valid commands and where the others live for an unknown or missing one, exit 2', async () => {
    const io = capture();
    expect(await dispatch(TABLE, ['delta'], INFO)).toBe(2);
    expect(await dispatch(TABLE, [], INFO)).toBe(2);
    expect(io.err()).toBe(
      'Unknown command delta. Use one of: alpha, beta-gamma\ndelta lives elsewhere: npx tsx y/main.ts\n' +
        'Unknown command (none). Use one of: alpha, beta-gamma\ndelta lives elsewhere: npx tsx y/main.ts\n',
    );
    expect(ran).toEqual([]);
  });
});
