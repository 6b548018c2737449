/**
 * Every scenario by name, in the order `all` runs them.
 * @module
 */
import type { ScenarioContext } from '../context';
import { debugCases } from './debugCases';
import { hostile } from './hostile';
import { kit } from './kit';
import { onDemand } from './onDemand';
import { oneTime } from './oneTime';
import { purchase } from './purchase';
import { retryStorm } from './retryStorm';
import { trial } from './trial';
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
  kit,
} satisfies Record<string, Scenario>;

/** A scenario name. */
export type ScenarioName = keyof typeof SCENARIOS;

/** All names, in run order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Scenarios that play the 联营 kit callbacks and need the kit key (`--kit-key`). */
export const KIT_SCENARIO_NAMES: readonly ScenarioName[] = ['kit'];

/** The basic-interface scenarios (all but the kit ones), in run order. */
export const BASIC_SCENARIO_NAMES = SCENARIO_NAMES.filter((n) => !KIT_SCENARIO_NAMES.includes(n));

/** What `all` runs: every basic scenario, and the kit ones when a kit key is given. */
export function allScenarios(withKitKey: boolean): ScenarioName[] {
  return withKitKey ? SCENARIO_NAMES : BASIC_SCENARIO_NAMES;
}

/** True for a known scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
