// PLACEHOLDER: replaced by the module that implements `kg build`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'build',
  summary: '(not yet available)',
  usage: 'kg build',
  run: async (_args, io) => {
    io.err('kg build: not yet available\n');
    return 1;
  },
};
