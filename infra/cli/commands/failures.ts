// PLACEHOLDER: replaced by the module that implements `kg failures`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'failures',
  summary: '(not yet available)',
  usage: 'kg failures',
  run: async (_args, io) => {
    io.err('kg failures: not yet available\n');
    return 1;
  },
};
