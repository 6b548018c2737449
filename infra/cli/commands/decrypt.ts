// PLACEHOLDER: replaced by the module that implements `kg decrypt`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'decrypt',
  summary: '(not yet available)',
  usage: 'kg decrypt',
  run: async (_args, io) => {
    io.err('kg decrypt: not yet available\n');
    return 1;
  },
};
