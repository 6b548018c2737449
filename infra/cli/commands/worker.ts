// PLACEHOLDER: replaced by the module that implements `kg worker`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'worker',
  summary: '(not yet available)',
  usage: 'kg worker',
  run: async (_args, io) => {
    io.err('kg worker: not yet available\n');
    return 1;
  },
};
