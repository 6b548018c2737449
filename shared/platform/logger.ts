/**
 * Structured JSON logs through the FunctionGraph logger (`context.getLogger()`), one line per event,
 * with request id, activity, result code and latency. Values under secret-looking keys are replaced
 * before anything is written, so a careless call cannot leak a key or a password.
 * @module
 */
import type { FgLogger } from './context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line (an open-API SK, `sk` or `KG_OPENAPI_SK`, included). */
const SECRET_KEY = /(pass(word)?|secret|token|sign(ature)?|authorization|key|credential|cookie)s?$|(?:^|_)sk$/i;

/** Replaces values of secret-looking keys, recursively; keeps the shape for debugging. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  // Deeper than anything we log on purpose: cut rather than risk an unredacted secret down there.
  if (depth > 6) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  copyRedacted(out, value as Record<string, unknown>, depth);
  return out;
}

/** A structured logger bound to one invocation. */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /**
   * Writes an `info` line of a fixed {@link LineShape}: the same text `info(event, fields)` writes, built
   * from the shape's precomputed key fragments (the line every callback writes, so its cost counts).
   */
  infoShaped<K extends string>(event: string, shape: LineShape<K>, fields: Readonly<Record<K, unknown>>): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Record<string, unknown>): Logger;
}

/**
 * The keys of a log line known in advance, in order, each with its `,"key":` text and whether it names a
 * secret (then its value is redacted as {@link redact} would).
 */
export class LineShape<K extends string> {
  private readonly prefixes: string[];
  private readonly secret: boolean[];
  /** Per logger's bound fields (see {@link boundMembers}): worked out once, not on every line. */
  private readonly bound = new WeakMap<Record<string, unknown>, string | null>();

  constructor(readonly keys: readonly K[]) {
    this.prefixes = keys.map((k) => `,${JSON.stringify(k)}:`);
    this.secret = keys.map((k) => SECRET_KEY.test(k));
  }

  /**
   * A logger's bound fields as JSON members, each after a comma ('' for none), or null when one of them is a
   * key of this shape (then the generic line puts the line's value in the bound field's place).
   */
  boundMembers(base: Record<string, unknown>): string | null {
    let members = this.bound.get(base);
    if (members === undefined) {
      members = this.keys.some((k) => k in base) ? null : membersOf(base);
      this.bound.set(base, members);
    }
    return members;
  }

  /**
   * The members of `fields` in the shape's order, each after a comma, as JSON.stringify writes them in an
   * object (an undefined or function value leaves its key out).
   */
  members(fields: Readonly<Record<K, unknown>>): string {
    let out = '';
    for (let i = 0; i < this.keys.length; i++) {
      const v = fields[this.keys[i] as K];
      let json: string | undefined;
      if (this.secret[i] && v !== undefined && v !== null && v !== '') json = '"[redacted]"';
      else if (typeof v === 'string') json = JSON.stringify(v);
      else if (v === null) json = 'null';
      else if (typeof v === 'number') json = Number.isFinite(v) ? String(v) : 'null';
      else if (typeof v === 'boolean') json = v ? 'true' : 'false';
      else json = JSON.stringify(redact(v, 1)) as string | undefined;
      if (json !== undefined) out += this.prefixes[i] + json;
    }
    return out;
  }
}

/** Field names seen so far and whether they name a secret: the log line's keys are few and fixed. */
const secretName = new Map<string, boolean>();

function isSecretName(k: string): boolean {
  let secret = secretName.get(k);
  if (secret === undefined) {
    secret = SECRET_KEY.test(k);
    if (secretName.size < 1000) secretName.set(k, secret);
  }
  return secret;
}

/** Copies `fields` (at nesting `depth`) into `out`, values of secret-looking keys replaced (see {@link redact}). */
function copyRedacted(out: Record<string, unknown>, fields: Record<string, unknown>, depth = 0): void {
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    out[k] = isSecretName(k) && v !== undefined && v !== null && v !== '' ? '[redacted]' : redact(v, depth + 1);
  }
}

/** `fields`, redacted, as JSON members each after a comma ('' for none). */
function membersOf(fields: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  copyRedacted(out, fields);
  const json = JSON.stringify(out);
  return json.length > 2 ? `,${json.slice(1, -1)}` : '';
}

/**
 * A logger writing JSON lines to `sink`. A class, so that making one per invocation is one allocation:
 * every callback makes one for its sink.
 */
class JsonLogger implements Logger {
  private readonly rank: number;

  constructor(private readonly sink: FgLogger, private readonly level: LogLevel, private readonly base: Record<string, unknown>) {
    this.rank = RANK[level];
  }

  debug(event: string, fields?: Record<string, unknown>): void {
    if (RANK.debug >= this.rank) this.write('debug', event, fields);
  }

  info(event: string, fields?: Record<string, unknown>): void {
    if (RANK.info >= this.rank) this.write('info', event, fields);
  }

  warn(event: string, fields?: Record<string, unknown>): void {
    if (RANK.warn >= this.rank) this.write('warn', event, fields);
  }

  error(event: string, fields?: Record<string, unknown>): void {
    if (RANK.error >= this.rank) this.write('error', event, fields);
  }

  infoShaped<K extends string>(event: string, shape: LineShape<K>, fields: Readonly<Record<K, unknown>>): void {
    if (RANK.info < this.rank) return;
    let line: string;
    try {
      const bound = shape.boundMembers(this.base);
      if (bound === null) return this.write('info', event, fields);
      line = `{"level":"info","event":${JSON.stringify(event)}${bound}${shape.members(fields)}}`;
    } catch {
      line = JSON.stringify({ level: 'info', event, logError: 'fields could not be serialised' });
    }
    this.sink.info(line);
  }

  with(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.sink, this.level, { ...this.base, ...fields });
  }

  private write(lvl: LogLevel, event: string, fields: Record<string, unknown> | undefined): void {
    let line: string;
    try {
      // One object, filled in order (level, event, the bound fields, the line's own): no merged copies.
      const out: Record<string, unknown> = { level: lvl, event };
      copyRedacted(out, this.base);
      if (fields !== undefined) copyRedacted(out, fields);
      line = JSON.stringify(out);
    } catch {
      // A circular value must not turn a log call into a failed request.
      line = JSON.stringify({ level: lvl, event, logError: 'fields could not be serialised' });
    }
    const sink = this.sink;
    const fn = (lvl === 'error' ? sink.error : lvl === 'warn' ? sink.warn : lvl === 'debug' ? sink.debug : undefined) ?? sink.info;
    fn.call(sink, line);
  }
}

/** Creates a logger writing JSON lines to the FunctionGraph logger (or any `info`-capable sink). */
export function createLogger(sink: FgLogger, level: LogLevel = 'info', base: Record<string, unknown> = {}): Logger {
  return new JsonLogger(sink, level, base);
}

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger: Logger = createLogger({ info: () => {} }, 'error');
