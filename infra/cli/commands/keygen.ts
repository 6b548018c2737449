// PLACEHOLDER: replaced by the module that implements `kg keygen`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'keygen',
  summary: '(not yet available)',
  usage: 'kg keygen',
  run: async (_args, io) => {
    io.err('kg keygen: not yet available\n');
    return 1;
  },
};
