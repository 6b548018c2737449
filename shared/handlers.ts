/**
 * One factory per deployed function, each taking the {@link Merchant}. Kept apart from the types so a
 * bundle holds only the functions it uses (package.json `sideEffects: false` lets esbuild drop the rest).
 * @module
 */
import { createCallbackHandler, type Handler } from './callback/handler';
import { produceSpec } from './basic/produceSpec';
import { createProvisionWorkerHandler, type WorkerHandler } from './basic/workerHandler';
import { kitSpec } from './kit/kitSpec';
import type { KitName } from './protocol/schemas/kit';
import type { Merchant } from './merchant';

/**
 * The `produce` function: every basic interface (V2 and V1) on the production address.
 * @example
 * export const handler = produceHandler(merchant);
 */
export function produceHandler(merchant: Merchant): Handler {
  return createCallbackHandler(produceSpec(merchant), merchant.runtime);
}

/**
 * The `provision-worker` function: finishes provisioning that answered `000004` (timer, async invoke).
 * @example
 * export const handler = provisionWorkerHandler(merchant);
 */
export function provisionWorkerHandler(merchant: Merchant): WorkerHandler {
  return createProvisionWorkerHandler({ ...merchant.runtime, ...merchantBasics(merchant) });
}

function merchantBasics(merchant: Merchant) {
  return {
    ...(merchant.provisioner ? { provisioner: merchant.provisioner } : {}),
    ...(merchant.deriveInstanceId ? { deriveInstanceId: merchant.deriveInstanceId } : {}),
  };
}

/**
 * A 联营 kit function (`tenantSync`, `applicationSync`, `authSync`, `singleOrgSync`, `allOrgSync`), each
 * deployed as its own function answering `/produceAPI/v2/<name>` and `/produceAPI/<name>`.
 * @example
 * // functions/tenant-sync/index.ts
 * export const handler = kitHandler(merchant, 'tenantSync');
 */
export function kitHandler(merchant: Merchant, name: KitName): Handler {
  return createCallbackHandler(kitSpec(name, merchant.kitForwarder ? { kitForwarder: merchant.kitForwarder } : {}), merchant.runtime);
}
