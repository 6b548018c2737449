// PLACEHOLDER: replaced by the module that implements `kg log`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'log',
  summary: '(not yet available)',
  usage: 'kg log',
  run: async (_args, io) => {
    io.err('kg log: not yet available\n');
    return 1;
  },
};
