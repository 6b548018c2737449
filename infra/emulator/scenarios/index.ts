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

/**
 * What a scenario needs beyond the basic-interface key; `all` runs it only when that is given. `kitKey`: the
 * 联营 kit key (`--kit-key`; sso syncs its tenants through the kit callbacks); `usage`: the usage settings
 * (`--ingest-key` and a fake open API); `gateway`: the Agents gateway's key pair (`--gateway-key`); `ops`: the
 * server's Redis (`--ops-redis`).
 */
export const SCENARIO_NEEDS = {
  kit: 'kitKey',
  sso: 'kitKey',
  usage: 'usage',
  'api-product': 'gateway',
  ops: 'ops',
} as const satisfies Partial<Record<ScenarioName, string>>;

/** One thing a scenario may need, in the order the CLI checks them. */
export type ScenarioNeed = (typeof SCENARIO_NEEDS)[keyof typeof SCENARIO_NEEDS];

/** What `name` needs, or undefined for a basic-interface scenario. */
export function scenarioNeed(name: ScenarioName): ScenarioNeed | undefined {
  return (SCENARIO_NEEDS as Partial<Record<ScenarioName, ScenarioNeed>>)[name];
}

/** The basic-interface scenarios (all that need nothing more), in run order. */
export const BASIC_SCENARIO_NAMES = SCENARIO_NAMES.filter((n) => scenarioNeed(n) === undefined);

/** What `all` runs: every basic scenario, and each other one whose need is `given`. */
export function allScenarios(given: ReadonlySet<ScenarioNeed>): ScenarioName[] {
  return SCENARIO_NAMES.filter((n) => {
    const need = scenarioNeed(n);
    return need === undefined || given.has(need);
  });
}

/** True for a known scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
