// PLACEHOLDER: replaced by the module that implements `kg simulate`.
import type { CliCommand } from '../command';

export const command: CliCommand = {
  name: 'simulate',
  summary: '(not yet available)',
  usage: 'kg simulate',
  run: async (_args, io) => {
    io.err('kg simulate: not yet available\n');
    return 1;
  },
};
