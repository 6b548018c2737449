/**
 * The FunctionGraph `context` object, and a stand-in for local runs and tests.
 * Note the runtime's spelling `getRemainingTimeInMilliSeconds` (capital S).
 * @module
 */

/** The logger FunctionGraph hands out; only `info` is documented, the rest may be missing. */
export interface FgLogger {
  info(...args: unknown[]): void;
  warn?(...args: unknown[]): void;
  error?(...args: unknown[]): void;
  debug?(...args: unknown[]): void;
}

/** The subset of the FunctionGraph Node.js context this project uses. */
export interface FgContext {
  getRequestID(): string;
  /** Milliseconds left before the platform kills the invocation. */
  getRemainingTimeInMilliSeconds(): number;
  getUserData(key: string): string | undefined;
  getLogger(): FgLogger;
  getFunctionName?(): string;
}

/** One FgLogger per sink: a server's contexts share it instead of making five closures per request. */
const loggers = new WeakMap<(line: string) => void, FgLogger>();

function loggerFor(sink: (line: string) => void): FgLogger {
  let logger = loggers.get(sink);
  if (logger === undefined) {
    const write = (...args: unknown[]) => sink(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    logger = { info: write, warn: write, error: write, debug: write };
    loggers.set(sink, logger);
  }
  return logger;
}

const quietLogger: FgLogger = loggerFor(() => {});

/** A context for the local server, the CLI and tests: user data from a map, logs to a sink. */
export function localContext(options: {
  requestId?: string;
  userData?: Record<string, string | undefined>;
  /** Budget of the invocation (ms); default 30 000, like the function timeout in s.yaml. */
  timeoutMs?: number;
  log?: (line: string) => void;
  functionName?: string;
} = {}): FgContext {
  const started = Date.now();
  const timeout = options.timeoutMs ?? 30_000;
  const logger = options.log === undefined ? quietLogger : loggerFor(options.log);
  return {
    getRequestID: () => options.requestId ?? '',
    getRemainingTimeInMilliSeconds: () => Math.max(0, timeout - (Date.now() - started)),
    getUserData: (key) => options.userData?.[key],
    getLogger: () => logger,
    getFunctionName: () => options.functionName ?? 'local',
  };
}
