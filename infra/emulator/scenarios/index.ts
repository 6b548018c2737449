/**
 * Every scenario by name, in the order `all` runs them.
 * @module
 */
import type { ScenarioContext } from '../context';
import { apiProduct } from './apiProduct';
import { debugCases } from './debugCases';
import { hostile } from './hostile';
import { kit } from './kit';
import { onDemand } from './onDemand';
import { oneTime } from './oneTime';
import { ops } from './ops';
import { purchase } from './purchase';
import { retryStorm } from './retryStorm';
import { sso } from './sso';
import { trial } from './trial';
import { usage } from './usage';
import { v1 } from './v1';

/** A scenario drives one flow through a {@link ScenarioContext}. */
export type Scenario = (ctx: ScenarioContext) => Promise<void>;

/** Scenario names as the CLI accepts them. */
export const SCENARIOS = {
  purchase,
  trial,
  'one-time': oneTime,
  'on-demand': onDemand,
  'debug-cases': debugCases,
  'retry-storm': retryStorm,
  hostile,
  v1,
  usage,
  'api-product': apiProduct,
  ops,
  kit,
  sso,
} satisfies Record<string, Scenario>;

/** A scenario name. */
export type ScenarioName = keyof typeof SCENARIOS;

/** All names, in run order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Scenarios that play the 联营 kit callbacks and need the kit key (`--kit-key`); sso syncs its tenants through them. */
export const KIT_SCENARIO_NAMES: readonly ScenarioName[] = ['kit', 'sso'];

/** Scenarios that need the usage settings (`--ingest-key` and a fake open API); `all` runs them only when given. */
export const USAGE_SCENARIO_NAMES: readonly ScenarioName[] = ['usage'];

/** Scenarios that play the Agents gateway and need its key pair (`--gateway-key`); `all` runs them only when given. */
export const GATEWAY_SCENARIO_NAMES: readonly ScenarioName[] = ['api-product'];

/** Scenarios that read the server's Redis (`--ops-redis`); `all` runs them only when given. */
export const OPS_SCENARIO_NAMES: readonly ScenarioName[] = ['ops'];

/** The basic-interface scenarios (all but the kit, usage, gateway and ops ones), in run order. */
export const BASIC_SCENARIO_NAMES = SCENARIO_NAMES.filter(
  (n) => !KIT_SCENARIO_NAMES.includes(n) && !USAGE_SCENARIO_NAMES.includes(n) && !GATEWAY_SCENARIO_NAMES.includes(n) && !OPS_SCENARIO_NAMES.includes(n),
);

/**
 * What `all` runs: every basic scenario, the kit ones when a kit key is given, usage when its settings are,
 * api-product when a gateway key pair is, ops when the server's Redis is.
 */
export function allScenarios(withKitKey: boolean, withUsage = false, withGateway = false, withOps = false): ScenarioName[] {
  return SCENARIO_NAMES.filter(
    (n) => (withKitKey || !KIT_SCENARIO_NAMES.includes(n)) && (withUsage || !USAGE_SCENARIO_NAMES.includes(n))
      && (withGateway || !GATEWAY_SCENARIO_NAMES.includes(n)) && (withOps || !OPS_SCENARIO_NAMES.includes(n)),
  );
}

/** True for a known scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
