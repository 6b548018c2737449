/**
 * `kg`: the tools a merchant uses by hand. Dispatches to one module per sub-command.
 * @module
 */
import { EXIT, UsageError, processIo, type CliCommand, type CliIo } from './command';
import { commands } from './registry';

function helpText(list: CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'kg: KooGallery merchant toolkit',
    '',
    'usage: kg <command> [options]      kg <command> --help for details',
    '',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

/** Runs `kg` with the given arguments; resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // A missing command is a bad argument: one line on stderr and exit 2, as for every other one.
    io.err('kg: missing command (kg --help lists them)\n');
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`kg: unknown command "${name}" (kg --help lists them)\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage.trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`kg ${command.name}: ${err.message}\n`);
      return EXIT.usage;
    }
    io.err(`kg ${command.name}: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.failed;
  }
}
