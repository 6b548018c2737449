/**
 * The collaborators of one ops-watch run from configuration, shared by the `ops-watch` function, `kg watch`
 * and the local server: the store and its usage ledger, the configured sinks (a sink whose settings are wrong is
 * left out and named, so the watch still runs with the other), the thresholds, and the reconciliation when the
 * open API is configured (KG_OPENAPI_AK and KG_OPENAPI_SK; without them it is skipped).
 * @module
 */
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Store } from '../store/Store';
import type { UsageLedger } from '../store/UsageLedger';
import { usageLedgerFor } from '../store/usageLedgerFor';
import { defaultLocalStatePath } from './localAlertState';
import type { ReconcileReport } from './reconcile';
import type { AlertSink } from './sinks/alert';
import type { SendPolicy } from './sinks/deliver';
import { SINK_READERS } from './sinks/fromConfig';
import type { ReconcileOutcome, WatchDeps } from './watch';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Options of {@link buildWatchDeps}. */
export interface WatchDepsOptions {
  /** Epoch ms; default `Date.now`. */
  clock?: () => number;
  /** The file of `store-unreachable`; default under the temporary directory. */
  localStatePath?: string;
  sendPolicy?: SendPolicy;
  /** How long a reconciliation may run (ms); it stops starting order queries after that. Default 3 minutes. */
  reconcileBudgetMs?: number;
}

/** The deps, and the settings that were wrong (their errors name the setting, never a value). */
export interface BuiltWatchDeps {
  deps: WatchDeps;
  sinkErrors: string[];
}

/**
 * Builds the deps of a run on `store`.
 * @example
 * const { deps, sinkErrors } = buildWatchDeps(config, store, logger);
 * const report = await runWatch(deps, Date.now());
 */
export function buildWatchDeps(config: Config, store: Store, logger: Logger, options: WatchDepsOptions = {}): BuiltWatchDeps {
  const sinks: AlertSink[] = [];
  const sinkErrors: string[] = [];
  for (const read of SINK_READERS) {
    try {
      const sink = read(config);
      if (sink) sinks.push(sink);
    } catch (err) {
      sinkErrors.push(err instanceof Error ? err.message : 'invalid sink settings');
    }
  }
  let ledger: UsageLedger | undefined;
  try {
    ledger = usageLedgerFor(store);
  } catch {
    ledger = undefined;
  }
  const clock = options.clock ?? Date.now;
  const reconcile = reconcileRunner(config, store, clock, logger, options.reconcileBudgetMs ?? 3 * MINUTE_MS);
  return {
    deps: {
      store,
      ...(ledger ? { ledger } : {}),
      sinks,
      settings: { failedOrders: config.KG_ALERT_FAILED_ORDERS, stuckProvisioningMs: config.KG_STUCK_PROVISIONING_MINUTES * MINUTE_MS },
      localStatePath: options.localStatePath ?? defaultLocalStatePath(),
      ...(options.sendPolicy ? { sendPolicy: options.sendPolicy } : {}),
      ...(reconcile ? { reconcile } : {}),
    },
    sinkErrors,
  };
}

/** The reconciliation bound to the open API, or undefined without KG_OPENAPI_AK/SK. */
function reconcileRunner(config: Config, store: Store, clock: () => number, logger: Logger, budgetMs: number): (() => Promise<ReconcileOutcome>) | undefined {
  if (!config.KG_OPENAPI_AK || !config.KG_OPENAPI_SK) return undefined;
  return () => reconcileWithOpenApi(config, store, { clock, logger, deadline: clock() + budgetMs });
}

/** Options of {@link reconcileWithOpenApi}. */
export interface OpenApiReconcileOptions {
  clock: () => number;
  logger?: Logger;
  /** Epoch ms, by `clock`, after which no order query starts. */
  deadline?: number;
  /** Most instances checked. */
  limit?: number;
}

/**
 * One reconciliation (shared/ops/reconcile.ts) against the open API of KG_OPENAPI_*, with the thresholds
 * KG_RECONCILE_GRACE_HOURS and KG_STUCK_PROVISIONING_MINUTES. The open-API client, and with it the SDK signer,
 * is loaded only when it runs.
 * @throws ConfigError naming KG_OPENAPI_AK or KG_OPENAPI_SK when one is missing.
 * @example
 * const report = await reconcileWithOpenApi(config, store, { clock: Date.now });
 */
export async function reconcileWithOpenApi(config: Config, store: Store, options: OpenApiReconcileOptions): Promise<ReconcileReport> {
  const [{ reconcile }, { openApiClientFrom }, { queryOrder }] = await Promise.all([
    import('./reconcile'), import('../marketplace/fromConfig'), import('../marketplace/orderQuery'),
  ]);
  const client = openApiClientFrom(config, options.logger);
  return reconcile({
    store,
    queryOrder: (orderId, orderLineId, signal) => queryOrder(client, orderId, orderLineId, signal),
    clock: options.clock,
    graceMs: config.KG_RECONCILE_GRACE_HOURS * HOUR_MS,
    stuckMs: config.KG_STUCK_PROVISIONING_MINUTES * MINUTE_MS,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
}
