/**
 * Builds {@link ProduceDeps} from configuration, once per warm instance.
 * @module
 */
import { loadConfig, requireSetting, settingSource, type Config } from '../platform/config';
import type { FgContext } from '../platform/context';
import { silentLogger } from '../platform/logger';
import { deriveInstanceId } from '../lifecycle/instanceId';
import { createProvisioner } from '../provisioning/createProvisioner';
import type { Provisioner } from '../provisioning/Provisioner';
import { createSealer, parseDataKeyRing } from '../security/dataSeal';
import { getStore } from '../store/createStore';
import type { Store } from '../store/Store';
import { processLeaseOwner, type ProduceDeps } from './deps';

/** How a handler finds its configuration and collaborators. */
export interface DepsOptions {
  /** Settings that override user data and the environment (local server, tests). */
  settings?: Record<string, string | undefined>;
  /** The local server may run on the embedded MemoryStore; deployed functions never do. */
  allowMemoryStore?: boolean;
  store?: Store;
  provisioner?: Provisioner;
  clock?: () => number;
}

/** Reads configuration: explicit settings first, then user data, RUNTIME_USERDATA, the environment. */
export function readConfig(context: FgContext | undefined, options: DepsOptions): Config {
  const base = settingSource(process.env, context);
  const settings = options.settings ?? {};
  return loadConfig((key) => settings[key] ?? base(key));
}

/** Builds the collaborators; throws ConfigError naming a missing setting. */
export function buildDeps(context: FgContext | undefined, options: DepsOptions): ProduceDeps {
  const config = readConfig(context, options);
  requireSetting(config, 'KG_ACCESS_KEY', 'the basic-interface key bound in the seller console (several: newest first)');
  const sealer = createSealer(parseDataKeyRing(requireSetting(config, 'KG_DATA_KEY', 'a 32-byte key (base64) that seals stored credentials; make one with `kg keygen data-key`')));
  return {
    config,
    store: options.store ?? getStore(config, { allowMemory: options.allowMemoryStore === true }),
    provisioner: options.provisioner ?? createProvisioner(config),
    sealer,
    clock: options.clock ?? Date.now,
    deriveInstanceId,
    leaseOwner: processLeaseOwner,
    logger: silentLogger,
  };
}

/**
 * Lazily builds deps with the first context; keeps them for the warm instance. A failed build is
 * retried at the next invocation (the setting may have been fixed).
 */
export function lazyDeps(options: DepsOptions): (context: FgContext) => ProduceDeps {
  let deps: ProduceDeps | undefined;
  return (context) => {
    deps ??= buildDeps(context, options);
    return deps;
  };
}
