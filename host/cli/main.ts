import { runCli, type CommandTable } from './dispatch';

/**
 * Entry point of the station's npm scripts of docs/contracts.md §Command line (`npm run NAME -- ...`).
 * Commands are loaded lazily so `models list` does not pay for loading ONNX Runtime or Chromium.
 * Measurement and data tools (evaluate, bench, bench-db, ...) do not ship with the station: they
 * are lab commands (lab/cli/main.ts), behind the same npm script names.
 */
const COMMANDS: CommandTable = {
  models: () => import('./commands/models'),
  recipe: () => import('./commands/recipe'),
  inspect: () => import('./commands/inspect'),
  serve: () => import('./commands/serve'),
  audit: () => import('./commands/audit'),
  users: () => import('./commands/users'),
  report: () => import('./commands/report'),
};

runCli(COMMANDS, {
  entry: 'npx tsx host/cli/main.ts',
  seeAlso: 'evaluate, bench and bench-db are lab commands (npm run evaluate, npm run bench, npm run bench:db); npm run lab -- --help (lab/cli/main.ts) lists them all.',
});
