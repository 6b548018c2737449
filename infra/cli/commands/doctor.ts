// PLACEHOLDER: replaced by the module that implements `kg doctor`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'doctor',
  summary: '(not yet available)',
  usage: 'kg doctor',
  run: async (_args, io) => {
    io.err('kg doctor: not yet available\n');
    return 1;
  },
};
