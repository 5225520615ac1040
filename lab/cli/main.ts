import { runCli } from '../../host/cli/dispatch';
import { LAB_COMMANDS } from './command-table';

/** Entry point of the lab's npm scripts (`npm run evaluate -- ...`, `npm run lab -- NAME ...`). */
runCli(LAB_COMMANDS, {
  entry: 'npm run lab --',
  seeAlso: 'The station commands (models, recipe, inspect, serve, audit, users, report) are in host/cli/main.ts.',
});
