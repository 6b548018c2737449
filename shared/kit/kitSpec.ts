/**
 * The five 联营 kit interfaces on the engine: one spec per interface, each its own function. A call
 * is verified with the kit key ring (V2 x-sign within the clock window, with nonce replay refused; V1
 * authToken), parsed tolerantly, applied by the interface's pure rule to the tenant's document (one
 * record per tenant, hash tag `t:<tenantId>`, seller test data under `tt:<tenantId>` expiring after
 * 30 days), forwarded to the merchant's back end when configured, and written with compare-and-set
 * and an audit entry naming what changed.
 * @module
 */
import type { CallbackDeps, CallbackSpec, Outcome, ResultModel, Verified } from '../callback/spec';
import { nonceReservation } from '../callback/nonce';
import { transact } from '../callback/transact';
import { acceptedV2 } from '../callback/verified';
import { parseJsonOrUndefined } from '../core/json';
import { RESULT, RESULT_MESSAGE } from '../core/resultCodes';
import { MAX_BODY_BYTES } from '../platform/apig';
import { parseJsonBody } from '../protocol/parse';
import type { KitName } from '../protocol/schemas/kit';
import { verifyKitSignature } from '../security/kitSignature';
import { verifyV1PostAuthToken } from '../security/v1AuthToken';
import { tenantTag } from '../store/keys';
import type { AuditEntry } from '../store/Store';
import { kitDeps, type KitDeps, type KitOptions } from './deps';
import { kitChangeId } from './forward';
import { KIT_TENANT_INDEX, type KitChange, type TenantDoc } from './model';
import { prepareKitCall, readKitV1Body, type KitCall } from './request';
import { kitResponder } from './responder';
import { isKitV1Path, kitFunctionOf, kitRoutes } from './routes';
import { KIT_RULES } from './rules/index';
import type { KitResult } from './rules/common';
import { tenantView } from './view';

/** How long seller test data (testFlag 1) is kept after its last change (s): 30 days. */
export const TEST_DATA_TTL_S = 30 * 24 * 3600;

/** The spec of kit interface `name`. */
export function kitSpec(name: KitName, options: KitOptions = {}): CallbackSpec<KitDeps, KitCall, ResultModel> {
  return {
    name: functionName(name),
    routes: kitRoutes(name),
    deps: (base: CallbackDeps) => kitDeps(base, options),
    protocolOf: (req) => (isKitV1Path(req.path, name) ? 'v1' : 'v2'),
    unverifiedResponder: (_req, deps) => kitResponder(deps.kitKeys[0]),
    verify: (req, deps): Verified<ResultModel> => {
      if (isKitV1Path(req.path, name)) {
        // The body is read once: the authToken check and parse share it.
        const body = readKitV1Body(req);
        const keyIndex = verifyV1PostAuthToken({ body, authToken: req.headers.authtoken, keys: deps.kitKeys }).keyIndex;
        const key = deps.kitKeys[keyIndex] ?? '';
        return { protocol: 'v1', keyIndex, key, responder: kitResponder(key), json: body };
      }
      // As produce: the signature check and parse share one JSON.parse of the body.
      const body = req.body.toString('utf8');
      const json = parseJsonOrUndefined(body);
      const verdict = verifyKitSignature({ body, json, headers: req.headers, keys: deps.kitKeys, nowMs: deps.clock(), windowMs: deps.config.KG_CLOCK_SKEW_MS });
      return acceptedV2(verdict, deps.kitKeys, kitResponder, req.headers['x-nonce'], json);
    },
    // V1: the body verify read and decoded; V2: the JSON verify parsed, checked as any body is.
    parse: (req, verified, deps) =>
      prepareKitCall(name, verified.protocol === 'v1' ? (verified.json as Record<string, unknown>) : parseJsonBody(req.body, MAX_BODY_BYTES, verified.json), deps),
    tag: (call) => tenantTag(call.tenantId, call.test),
    describe: (call, req, verified) => ({
      activity: name,
      audit: {
        activity: name,
        ...(call.orderId ? { orderId: call.orderId } : {}),
        ...(req.requestId ? { requestId: req.requestId } : {}),
        ...(verified.nonce ? { nonce: verified.nonce } : {}),
        ...(call.test ? { test: true } : {}),
      },
      subject: { tenantId: call.tenantId, ...(call.instanceId ? { instanceId: call.instanceId } : {}), ...(call.orderId ? { orderId: call.orderId } : {}) },
    }),
    // Refused before parsing: the failure stream still names the interface (never the unverified body's ids).
    peek: () => ({ activity: name }),
    run: async (call) => {
      const { deps, request, verified, tag, summary, startedAt } = call;
      return transact<TenantDoc, Outcome>({ store: deps.store, tag, ...nonceReservation(verified.nonce, deps.config.KG_CLOCK_SKEW_MS) }, async (current) => {
        const now = deps.clock();
        const result = applyRule(request, current.record, { now, test: request.test });
        const creating = current.record === null && result.next !== undefined && result.next !== null;
        // A new document is listed before it is written (a listing skips an entry whose document is absent),
        // and again after, in case a concurrent removal unlisted it in between.
        if (creating) await deps.store.addToIndex(KIT_TENANT_INDEX, tag);
        // Object.assign, not a spread: summaries differ in shape, and a spread over several shapes is V8's slow path.
        const audit: AuditEntry = Object.assign({}, summary.audit, { at: now, resultCode: RESULT.SUCCESS });
        if (result.changes.length > 0) audit.detail = describeChanges(result.changes);
        audit.ms = Math.max(0, now - startedAt);
        return {
          kind: 'commit',
          ...(result.next !== undefined ? { next: result.next } : {}),
          audit,
          ...(request.test ? { ttlSeconds: TEST_DATA_TTL_S } : {}),
          result: async (version) => {
            if (result.next === null) await unlist(deps, tag);
            else if (creating) await deps.store.addToIndex(KIT_TENANT_INDEX, tag);
            // Only what is stored is forwarded, with the version it is stored at. A call that changed nothing
            // sends the stored state again under the same change id: a forward that failed after the write
            // (answered 000005) is delivered by the marketplace's retry, and a back end that had it drops it.
            const stored = result.next !== undefined ? result.next : current.record;
            if (deps.forwarder && (stored !== null || version > 0)) {
              await deps.forwarder(
                { interface: name, tenantId: request.tenantId, test: request.test, version, changes: result.changes, tenant: stored ? tenantView(stored) : null },
                kitChangeId(tag, version),
                call.signal,
              );
            }
            return { body: verified.responder.encode({ resultCode: RESULT.SUCCESS, resultMsg: RESULT_MESSAGE[RESULT.SUCCESS] }), resultCode: RESULT.SUCCESS };
          },
        };
      });
    },
  };
}

/** The function folder of a kit interface (`tenantSync` -> `tenant-sync`), from the one list in routes.ts. */
export function functionName(name: KitName): string {
  return kitFunctionOf(name) ?? name;
}

/** Applies the interface's rule (the table is typed per interface; the call carries its own input). */
function applyRule(call: KitCall, doc: TenantDoc | null, env: { now: number; test: boolean }): KitResult {
  const rule = KIT_RULES[call.name] as (doc: TenantDoc | null, input: unknown, env: { now: number; test: boolean }) => KitResult;
  return rule(doc, call.input, env);
}

/**
 * Unlists a removed tenant, then lists it again if a concurrent call re-created it meanwhile (that call
 * also lists it after its own write). Best effort: a stale entry only costs a listing one skipped read.
 */
async function unlist(deps: KitDeps, tag: string): Promise<void> {
  const { store } = deps;
  try {
    await store.removeFromIndex(KIT_TENANT_INDEX, tag);
    const [again] = await store.read([tag]);
    if (again?.record) await store.addToIndex(KIT_TENANT_INDEX, tag);
  } catch (err) {
    deps.logger.warn('kit.unlist_failed', { error: (err as Error)?.name });
  }
}

/** A short audit detail: counts per entity and operation, then the first keys (never a secret). */
export function describeChanges(changes: readonly KitChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(`${c.entity} ${c.op}`, (counts.get(`${c.entity} ${c.op}`) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const keys = changes.slice(0, 5).map((c) => `${c.entity}:${c.key}`).join(' ');
  return `${summary}; ${keys}`.slice(0, 200);
}
