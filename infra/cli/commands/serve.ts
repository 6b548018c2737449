// PLACEHOLDER: replaced by the module that implements `kg serve`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'serve',
  summary: '(not yet available)',
  usage: 'kg serve',
  run: async (_args, io) => {
    io.err('kg serve: not yet available\n');
    return 1;
  },
};
