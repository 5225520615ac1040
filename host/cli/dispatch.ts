import { StationError } from '../../common/errors';
import type { Command } from './command';

/** Command name -> lazy loader, so a command does not pay for loading the others (ONNX Runtime, Chromium). */
export type CommandTable = Readonly<Record<string, () => Promise<{ command: Command }>>>;

export interface CliInfo {
  /** How the entry is run, for the usage line: `npx tsx host/cli/main.ts`. */
  entry: string;
  /** Printed after the command list and after an unknown command: where related commands live. */
  seeAlso?: string;
}

const HELP = new Set(['--help', '-h', 'help']);

async function usage(table: CommandTable, info: CliInfo): Promise<string> {
  const lines = [`Usage: ${info.entry} COMMAND [OPTIONS]`, '', 'Commands:'];
  const width = Math.max(...Object.keys(table).map((n) => n.length));
  for (const [name, load] of Object.entries(table)) lines.push(`  ${name.padEnd(width)}  ${(await load()).command.summary}`);
  if (info.seeAlso) lines.push('', info.seeAlso);
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `argv[0]` from `table` with the rest of argv and returns its exit code. `--help` (or `help`)
 * prints every command with its summary and returns 0; a missing or unknown name prints the valid
 * names (and `info.seeAlso`) and returns 2. Errors from the command propagate.
 */
export async function dispatch(table: CommandTable, argv: readonly string[], info: CliInfo): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== undefined && HELP.has(name)) {
    process.stdout.write(await usage(table, info));
    return 0;
  }
  const load = name === undefined ? undefined : table[name];
  if (!load) {
    const hint = info.seeAlso ? `\n${info.seeAlso}` : '';
    process.stderr.write(`Unknown command ${name ?? '(none)'}. Use one of: ${Object.keys(table).join(', ')}${hint}\n`);
    return 2;
  }
  const { command } = await load();
  return command.run(rest);
}

/** The process entry: dispatches `process.argv` and sets the exit code (one line for an expected failure, the stack for a bug). */
export function runCli(table: CommandTable, info: CliInfo): void {
  dispatch(table, process.argv.slice(2), info).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof StationError) process.stderr.write(`error: ${err.message}\n`);
      else process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = err instanceof StationError && err.code === 'INVALID_INPUT' ? 2 : 1;
    },
  );
}
