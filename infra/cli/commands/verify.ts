// PLACEHOLDER: replaced by the module that implements `kg verify`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'verify',
  summary: '(not yet available)',
  usage: 'kg verify',
  run: async (_args, io) => {
    io.err('kg verify: not yet available\n');
    return 1;
  },
};
