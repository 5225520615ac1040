import { StationError } from '../../common/errors';
import type { Command } from './command';

/**
 * Entry point of every npm script of docs/contracts.md §Command line (`npm run NAME -- ...`).
 * Commands are loaded lazily so `models list` does not pay for loading ONNX Runtime or Chromium.
 */
const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  models: () => import('./commands/models'),
  recipe: () => import('./commands/recipe'),
  inspect: () => import('./commands/inspect'),
  evaluate: () => import('./commands/evaluate'),
  bench: () => import('./commands/bench'),
  serve: () => import('./commands/serve'),
  audit: () => import('./commands/audit'),
  users: () => import('./commands/users'),
  report: () => import('./commands/report'),
  'bench-db': () => import('./commands/bench-db'),
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : COMMANDS[name];
  if (!load) {
    const list = Object.keys(COMMANDS).join(', ');
    process.stderr.write(`Unknown command ${name ?? '(none)'}. Use one of: ${list}\n`);
    return 2;
  }
  const { command } = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Expected failures get one line; bugs get the stack so they can be reported.
    if (err instanceof StationError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = err instanceof StationError && err.code === 'INVALID_INPUT' ? 2 : 1;
  },
);
