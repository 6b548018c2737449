/**
 * Builds the collaborators every callback shares ({@link CallbackDeps}) from configuration, once per
 * warm instance.
 * @module
 */
import { loadConfig, requireSetting, settingSource, type Config } from '../platform/config';
import type { FgContext } from '../platform/context';
import { silentLogger } from '../platform/logger';
import { createSealer, parseDataKeyRing } from '../security/dataSeal';
import { getStore } from '../store/createStore';
import type { Store } from '../store/Store';
import type { CallbackDeps } from './spec';

/** Where a function finds its configuration and shared collaborators (local server and tests override). */
export interface RuntimeOptions {
  /** Settings that override user data and the environment (local server, tests). */
  settings?: Record<string, string | undefined>;
  /** The local server may run on the embedded MemoryStore; deployed functions never do. */
  allowMemoryStore?: boolean;
  store?: Store;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
}

/** Reads configuration: explicit settings first, then user data, RUNTIME_USERDATA, the environment. */
export function readConfig(context: FgContext | undefined, options: RuntimeOptions): Config {
  const base = settingSource(process.env, context);
  const settings = options.settings ?? {};
  return loadConfig((key) => settings[key] ?? base(key));
}

/** Builds the shared collaborators; throws ConfigError naming a missing setting. */
export function buildCallbackDeps(context: FgContext | undefined, options: RuntimeOptions): CallbackDeps {
  const config = readConfig(context, options);
  const sealer = createSealer(parseDataKeyRing(requireSetting(config, 'KG_DATA_KEY', 'a 32-byte key (base64) that seals stored secrets; make one with `kg keygen data-key`')));
  return {
    config,
    store: options.store ?? getStore(config, { allowMemory: options.allowMemoryStore === true }),
    sealer,
    clock: options.clock ?? Date.now,
    logger: silentLogger,
  };
}

/**
 * Lazily builds with the first context and keeps the result for the warm instance. A failed build is
 * retried at the next invocation (the setting may have been fixed).
 */
export function lazily<T>(build: (context: FgContext) => T): (context: FgContext) => T {
  let built: T | undefined;
  return (context) => {
    built ??= build(context);
    return built;
  };
}
