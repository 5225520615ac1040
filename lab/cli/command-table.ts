import type { CommandTable } from '../../host/cli/dispatch';

/**
 * The lab's commands: what measures the product and makes its data, none of it shipped with the
 * station. `npm run evaluate|bench|bench:db|demo:generate` run these by name; the rest through
 * `npm run lab -- NAME`. Loaded lazily, as the station's own commands are.
 */
export const LAB_COMMANDS: CommandTable = {
  evaluate: () => import('./commands/evaluate'),
  bench: () => import('./commands/bench'),
  'bench-db': () => import('./commands/bench-db'),
  'demo-generate': () => import('./commands/demo-generate'),
  'training-data': () => import('./commands/training-data'),
  'synthetic-eval': () => import('./commands/synthetic-eval'),
  'measure-dump': () => import('./commands/measure-dump'),
  'input-domain': () => import('./commands/input-domain'),
};
