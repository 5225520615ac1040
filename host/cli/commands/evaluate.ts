import { StationError } from '../../../common/errors';
import type { Command } from '../command';

// Placeholder until its owner lands the command (see docs/ARCHITECTURE.md).
export const command: Command = {
  summary: 'evaluate',
  async run() {
    throw new StationError('UNAVAILABLE', 'The evaluate command is not built yet');
  },
};
