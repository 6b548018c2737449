/**
 * The FunctionGraph handler of `provision-worker`: a timer trigger runs due jobs; an asynchronous
 * invocation with `{"instanceId": "..."}` finishes that one instance at once.
 * @module
 */
import { lazily, type RuntimeOptions } from '../callback/deps';
import { loggableMessage } from '../core/errors';
import type { FgContext } from '../platform/context';
import { createLogger } from '../platform/logger';
import { buildProduceDeps, type BasicOptions } from './deps';
import { runProvisionWorker, type WorkerReport } from './worker';

/** The `provision-worker` handler's type. */
export type WorkerHandler = (event: unknown, context: FgContext) => Promise<WorkerReport | { error: string }>;

/** Creates the `provision-worker` handler. Never throws; reports what it did. */
export function createProvisionWorkerHandler(options: BasicOptions & RuntimeOptions = {}): WorkerHandler {
  const depsFor = lazily((context) => buildProduceDeps(context, options));
  return async (event, context) => {
    const logger = createLogger(context.getLogger(), 'info', { fn: 'provision-worker' });
    try {
      const deps = depsFor(context);
      const only = event && typeof event === 'object' && typeof (event as { instanceId?: unknown }).instanceId === 'string'
        ? (event as { instanceId: string }).instanceId
        : undefined;
      const report = await runProvisionWorker({ ...deps, logger }, { remainingMs: context.getRemainingTimeInMilliSeconds(), ...(only ? { onlyInstanceId: only } : {}) });
      logger.info('worker.done', { claimed: report.claimed, results: report.results });
      return report;
    } catch (err) {
      logger.error('worker.unavailable', { error: (err as Error)?.name, message: loggableMessage(err) });
      return { error: (err as Error)?.name ?? 'Error' };
    }
  };
}
