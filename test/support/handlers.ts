/**
 * How the tests build the functions: through the merchant API, as `functions/*` do, with test-only
 * runtime options (settings, an injected store, clock and provisioner).
 */
import { buildProduceDeps, type BasicOptions } from '../../shared/basic/deps';
import type { RuntimeOptions } from '../../shared/callback/deps';
import type { Handler } from '../../shared/callback/handler';
import { produceHandler } from '../../shared/handlers';
import { defineMerchant } from '../../shared/merchant';

export type { Handler };

/** Options of a test function: the merchant's plug-ins and the runtime's overrides. */
export type TestFunctionOptions = BasicOptions & RuntimeOptions;

/** `produce` as deployed, built from a merchant definition. */
export function createProduceHandler(options: TestFunctionOptions = {}): Handler {
  const { provisioner, deriveInstanceId, ...runtime } = options;
  return produceHandler(defineMerchant({ ...(provisioner ? { provisioner } : {}), ...(deriveInstanceId ? { deriveInstanceId } : {}) }, runtime));
}

/** The collaborators `produce` and the worker run with. */
export const buildDeps = buildProduceDeps;
