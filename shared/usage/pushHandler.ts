/**
 * The FunctionGraph handler of `usage-push` (timer trigger, every 10 minutes): one {@link runUsagePush} within
 * the invocation's remaining time. Never throws; returns the report (or the error's name).
 * @module
 */
import { readConfig, lazily, type RuntimeOptions } from '../callback/deps';
import { loggableMessage } from '../core/errors';
import { openApiClientFrom } from '../marketplace/fromConfig';
import { requireSetting, type Config } from '../platform/config';
import type { FgContext } from '../platform/context';
import { createLogger, type Logger } from '../platform/logger';
import { getStore } from '../store/createStore';
import type { UsageLedger } from '../store/UsageLedger';
import { usageLedgerFor } from '../store/usageLedgerFor';
import { runUsagePush, usageRetentionOf, type UsagePushDeps, type UsagePushOptions, type UsagePushReport } from './push';

/** The `usage-push` handler's type. */
export type UsagePushHandler = (event: unknown, context: FgContext) => Promise<UsagePushReport | { error: string }>;

/** What usage-push needs besides a logger, built once per warm instance. */
interface PushBase {
  config: Config;
  ledger: UsageLedger;
  bodyKey: string;
  clock: () => number;
}

function pushBase(context: FgContext | undefined, options: RuntimeOptions): PushBase {
  const config = readConfig(context, options);
  const bodyKey = requireSetting(config, 'KG_ACCESS_KEY', 'the usage body signature is made with the basic-interface key (the newest)')[0] as string;
  // Fails early, naming the setting, when the AK/SK are missing.
  openApiClientFrom(config);
  const store = options.store ?? getStore(config, { allowMemory: options.allowMemoryStore === true });
  return { config, ledger: usageLedgerFor(store), bodyKey, clock: options.clock ?? Date.now };
}

/**
 * The deps of one push run from configuration (CLI, local server, handler).
 * @throws ConfigError naming a missing setting (KG_ACCESS_KEY, KG_OPENAPI_AK, KG_OPENAPI_SK, Redis).
 */
export function buildUsagePushDeps(context: FgContext | undefined, options: RuntimeOptions, logger: Logger): UsagePushDeps {
  return pushDeps(pushBase(context, options), logger);
}

function pushDeps(base: PushBase, logger: Logger): UsagePushDeps {
  return { ledger: base.ledger, bodyKey: base.bodyKey, clock: base.clock, logger, client: openApiClientFrom(base.config, logger), retention: usageRetentionOf(base.config) };
}

/** Creates the `usage-push` handler. */
export function createUsagePushHandler(options: RuntimeOptions = {}, pushOptions: UsagePushOptions = {}): UsagePushHandler {
  const baseFor = lazily((context) => pushBase(context, options));
  return async (_event, context) => {
    let logger = createLogger(context.getLogger(), 'info', { fn: 'usage-push' });
    try {
      const base = baseFor(context);
      logger = createLogger(context.getLogger(), base.config.KG_LOG_LEVEL, { fn: 'usage-push' });
      return await runUsagePush(pushDeps(base, logger), { remainingMs: context.getRemainingTimeInMilliSeconds(), ...pushOptions });
    } catch (err) {
      logger.error('usage-push.unavailable', { error: (err as Error)?.name, message: loggableMessage(err) });
      return { error: (err as Error)?.name ?? 'Error' };
    }
  };
}
