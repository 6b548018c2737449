// PLACEHOLDER: replaced by the module that implements `kg encrypt`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'encrypt',
  summary: '(not yet available)',
  usage: 'kg encrypt',
  run: async (_args, io) => {
    io.err('kg encrypt: not yet available\n');
    return 1;
  },
};
