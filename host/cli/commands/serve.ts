import { StationError } from '../../../common/errors';
import type { Command } from '../command';

// Placeholder until its owner lands the command (see docs/ARCHITECTURE.md).
export const command: Command = {
  summary: 'serve',
  async run() {
    throw new StationError('UNAVAILABLE', 'The serve command is not built yet');
  },
};
