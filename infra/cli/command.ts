/**
 * The contract every `kg` sub-command implements, and the small helpers they share.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command reads and writes; injectable so tests run commands in-process. */
export interface CliIo {
  /** Reads all of standard input as bytes. */
  readStdin(): Promise<Buffer>;
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** One `kg` sub-command. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  /** One line for `kg --help`. */
  summary: string;
  /** Full usage text for `kg <name> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad arguments: reported as one line on stderr with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes shared by all commands. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** `node:util` parseArgs in strict mode, turning its errors into {@link UsageError}s. */
export function parseCliArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

/** Returns the named option's string value or throws a {@link UsageError} naming it. */
export function requireOption(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing --${name}`);
  return v;
}

/**
 * Parses `--limit`: a positive integer, `fallback` when it is not given.
 * @throws UsageError
 */
export function parseLimit(text: string | undefined, fallback: number): number {
  const limit = Number(text ?? fallback);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  return limit;
}

/**
 * Parses an instant given to `--<option>`: epoch ms (13 digits) or anything `Date.parse` reads (ISO).
 * @throws UsageError naming the option and `expected`.
 */
export function parseInstant(text: string, option: string, expected = 'an ISO date/time or epoch ms'): number {
  if (/^\d{13}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--${option}: expected ${expected}, got "${text.slice(0, 40)}"`);
  return t;
}

/** The real process as a {@link CliIo}. */
export function processIo(): CliIo {
  return {
    readStdin: async () => {
      if (process.stdin.isTTY) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
  };
}
