// PLACEHOLDER: replaced by the module that implements `kg sign`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'sign',
  summary: '(not yet available)',
  usage: 'kg sign',
  run: async (_args, io) => {
    io.err('kg sign: not yet available\n');
    return 1;
  },
};
