// PLACEHOLDER: replaced by the module that implements `kg bench`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'bench',
  summary: '(not yet available)',
  usage: 'kg bench',
  run: async (_args, io) => {
    io.err('kg bench: not yet available\n');
    return 1;
  },
};
