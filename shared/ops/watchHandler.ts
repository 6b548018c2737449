/**
 * The FunctionGraph handler of `ops-watch` (timer trigger, every 5 minutes): one {@link runWatch}; the timer
 * event whose `user_event` is `reconcile` also runs the reconciliation at once (otherwise it runs daily, see
 * shared/ops/nightlyRun.ts). Never throws; logs one line per run (`ops-watch.done`, at `warn` when something
 * was raised, cleared, failed or skipped) and returns the report (or the error's name).
 * @module
 */
import { lazily, readConfig, type RuntimeOptions } from '../callback/deps';
import { loggableMessage } from '../core/errors';
import type { Config } from '../platform/config';
import type { FgContext } from '../platform/context';
import { createLogger } from '../platform/logger';
import { getStore } from '../store/createStore';
import type { Store } from '../store/Store';
import type { SendPolicy } from './sinks/deliver';
import { runWatch, type WatchReport } from './watch';
import { buildWatchDeps } from './watchDeps';

/** The `ops-watch` handler's type. */
export type OpsWatchHandler = (event: unknown, context: FgContext) => Promise<WatchReport | { error: string }>;

/** Options of {@link createOpsWatchHandler}: the runtime's, and test overrides. */
export interface OpsWatchOptions extends RuntimeOptions {
  /** The file of `store-unreachable` (default under the temporary directory). */
  localStatePath?: string;
  sendPolicy?: SendPolicy;
}

/** Time kept for the alerts after a reconciliation (ms). */
const ALERT_RESERVE_MS = 60_000;

/** The timer event's `user_event` (`reconcile` runs the reconciliation now). */
function userEvent(event: unknown): string | undefined {
  if (event && typeof event === 'object' && 'user_event' in event) {
    const value = (event as { user_event?: unknown }).user_event;
    return typeof value === 'string' ? value.trim() : undefined;
  }
  return undefined;
}

/**
 * Creates the `ops-watch` handler.
 * @example
 * export const handler = createOpsWatchHandler(merchant.runtime);
 */
export function createOpsWatchHandler(options: OpsWatchOptions = {}): OpsWatchHandler {
  const baseFor = lazily((context): { config: Config; store: Store } => {
    const config = readConfig(context, options);
    return { config, store: options.store ?? getStore(config, { allowMemory: options.allowMemoryStore === true }) };
  });
  return async (event, context) => {
    let logger = createLogger(context.getLogger(), 'info', { fn: 'ops-watch' });
    try {
      const { config, store } = baseFor(context);
      logger = createLogger(context.getLogger(), config.KG_LOG_LEVEL, { fn: 'ops-watch' });
      const clock = options.clock ?? Date.now;
      const { deps, sinkErrors } = buildWatchDeps(config, store, logger, {
        clock,
        reconcileBudgetMs: Math.max(1_000, context.getRemainingTimeInMilliSeconds() - ALERT_RESERVE_MS),
        ...(options.localStatePath ? { localStatePath: options.localStatePath } : {}),
        ...(options.sendPolicy ? { sendPolicy: options.sendPolicy } : {}),
      });
      const report = await runWatch(deps, clock(), { reconcile: userEvent(event) === 'reconcile' ? 'force' : 'due' });
      const notable = report.raised.length + report.cleared.length + report.failed.length + report.errors.length + sinkErrors.length > 0
        || report.store === 'unreachable' || report.reconcile !== undefined;
      logger[notable ? 'warn' : 'info']('ops-watch.done', {
        store: report.store, conditions: report.conditions.length, raised: report.raised, cleared: report.cleared,
        sent: report.sent.length, failed: report.failed, dropped: report.dropped, reconcile: report.reconcile,
        errors: [...report.errors, ...sinkErrors], sinks: deps.sinks.map((s) => s.name),
      });
      return report;
    } catch (err) {
      logger.error('ops-watch.unavailable', { error: (err as Error)?.name, message: loggableMessage(err) });
      return { error: (err as Error)?.name ?? 'Error' };
    }
  };
}
